/** The demo city's brands and projects (src/seed/data.ts has its sites; src/seed/city/organisation.ts makes the rows). */
import type { ProjectCategory, ProjectStatus } from '../generated/prisma/client.js';

export interface BrandDef {
  key: string;
  name: string;
  description: string;
  /** Exactly one owner: a team key or a site key. */
  owner: { team: string } | { site: string };
}

export const BRANDS: BrandDef[] = [
  {
    key: 'jishiyu',
    name: '及时雨',
    description: '急群众之所急，雨雪天气护学、突发事件应急和困难群众帮扶的城关镇志愿服务品牌。',
    owner: { team: 'jishiyu' },
  },
  {
    key: 'weiai',
    name: '未爱启航',
    description: '县人民检察院未成年人检察工作品牌，开展法治进校园、家庭教育指导和涉案未成年人帮教。',
    owner: { team: 'procuratorate-team' },
  },
  {
    key: 'nuandong',
    name: '浓情年味·暖冬',
    description: '每年春节前后为困难群众、留守儿童和空巢老人送温暖、写春联、办年货的全县志愿服务品牌。',
    owner: { site: 'center' },
  },
  {
    key: 'hongmajia',
    name: '红马甲',
    description: '城区街头最常见的志愿者标识，开展环境整治、文明劝导和便民服务。',
    owner: { team: 'red-vest' },
  },
  {
    key: 'linli',
    name: '邻里守望',
    description: '以楼栋为单元，邻里之间相互照应、守望相助的社区治理品牌。',
    owner: { team: 'jiefanglu-team' },
  },
  {
    key: 'shuxiang',
    name: '书香润心',
    description: '推动全民阅读，让书香浸润城乡的阅读推广品牌。',
    owner: { site: 'chengguan' },
  },
  {
    key: 'qishou',
    name: '骑手暖心驿站',
    description: '为外卖、快递骑手提供歇脚、充电、热饭的暖心服务，并组织骑手参与基层治理。',
    owner: { site: 'riders' },
  },
  {
    key: 'laobing',
    name: '老兵驿站',
    description: '退役军人之家，关爱老兵、讲述军旅故事、传承红色基因。',
    owner: { team: 'veterans' },
  },
  {
    key: 'yinling',
    name: '银龄互助',
    description: '低龄老人帮扶高龄老人、健康老人帮扶失能老人的以老助老服务品牌。',
    owner: { team: 'dongmen-team' },
  },
  {
    key: 'wenmingluyou',
    name: '文明旅游我先行',
    description: '云溪湖景区文明旅游志愿服务品牌，倡导文明出游、垃圾不落地。',
    owner: { site: 'scenic' },
  },
  {
    key: 'qinghe',
    name: '清河护水',
    description: '巡河护河、清理河道，守护柳河一河清水的生态环保品牌。',
    owner: { team: 'liuhe-river-team' },
  },
  {
    key: 'lirang',
    name: '礼让斑马线',
    description: '文明交通志愿服务品牌，倡导机动车礼让行人、行人遵守信号灯。',
    owner: { team: 'traffic' },
  },
];

// ---------------------------------------------------------------------------------------------
// Projects
// ---------------------------------------------------------------------------------------------

export interface ProjectDef {
  key: string;
  title: string;
  description: string;
  category: ProjectCategory;
  status: ProjectStatus;
  /** Team key of the organizer. */
  organizer: string;
  /** Site key: the organizer's site or one of its ancestors. */
  site: string;
  brand?: string;
  startsOn: string;
  endsOn: string;
  /** When it was entered, 'YYYY-MM-DD'. */
  created: string;
}

export const PROJECTS: ProjectDef[] = [
  {
    key: 'tourism-peak',
    title: '旅游旺季文明引导行动',
    description:
      '暑期旅游旺季，在云溪湖景区游客服务中心、停车场和主要景点设置志愿服务岗，提供咨询引导、文明劝导、走失寻人和应急救助服务。',
    category: 'TOURISM',
    // The summer season is over; its 30-day campaign is roster history.
    status: 'COMPLETED',
    organizer: 'scenic-team',
    site: 'scenic',
    brand: 'wenmingluyou',
    startsOn: '2026-07-01',
    endsOn: '2026-08-31',
    created: '2026-06-05',
  },
  {
    key: 'tourism-winter',
    title: '冰雪季文明旅游服务',
    description: '冬季冰雪旅游季，青年志愿者在景区、客运站为游客提供咨询、防滑提醒和文明旅游宣传。',
    category: 'TOURISM',
    status: 'RECRUITING',
    organizer: 'youth',
    site: 'center',
    startsOn: '2026-12-20',
    endsOn: '2027-02-28',
    created: '2026-11-10',
  },
  {
    key: 'nuandong-2026',
    title: '2026年浓情年味·暖冬行动',
    description: '春节前后走访慰问困难群众、留守儿童和空巢老人，写春联、送年货、包饺子，让每个家庭都感受到年味。',
    category: 'HARDSHIP_RELIEF',
    status: 'COMPLETED',
    organizer: 'women',
    site: 'center',
    brand: 'nuandong',
    startsOn: '2026-01-10',
    endsOn: '2026-02-28',
    created: '2025-12-15',
  },
  {
    key: 'nuandong-2027',
    title: '2027年浓情年味·暖冬行动',
    description: '延续“浓情年味·暖冬”品牌，2027年春节前后开展入户慰问、爱心年货集市和新春文艺演出，现招募志愿者。',
    category: 'HARDSHIP_RELIEF',
    status: 'RECRUITING',
    organizer: 'women',
    site: 'center',
    brand: 'nuandong',
    startsOn: '2026-12-15',
    endsOn: '2027-02-20',
    created: '2026-11-18',
  },
  {
    key: 'veterans-care',
    title: '退役军人关爱行动',
    description: '走访慰问老党员、老战士和困难退役军人，开展“老兵讲故事”国防教育进校园活动。',
    category: 'VETERANS',
    status: 'ACTIVE',
    organizer: 'veterans',
    site: 'center',
    brand: 'laobing',
    startsOn: '2026-03-01',
    endsOn: '2026-12-31',
    created: '2026-02-10',
  },
  {
    key: 'traffic',
    title: '文明交通劝导',
    description: '工作日早晚高峰在城区主要路口开展文明交通劝导，纠正闯红灯、不戴头盔、机动车不礼让行人等不文明行为。',
    category: 'TRAFFIC',
    status: 'ACTIVE',
    organizer: 'traffic',
    site: 'center',
    brand: 'lirang',
    startsOn: '2026-09-01',
    endsOn: '2027-06-30',
    created: '2026-08-12',
  },
  {
    key: 'chunyun',
    title: '2027年春运暖心服务',
    description: '春运期间在县汽车客运站设立志愿服务岗，为旅客提供购票指导、行李搬运和重点旅客帮扶。',
    category: 'TRAFFIC',
    status: 'DRAFT',
    organizer: 'bus-station-team',
    site: 'bus-station',
    startsOn: '2027-01-22',
    endsOn: '2027-03-02',
    created: '2026-11-25',
  },
  {
    key: 'weiai',
    title: '未爱启航·法治进校园',
    description: '检察官担任法治副校长，走进全县中小学开展防欺凌、防性侵、防诈骗法治课和模拟法庭。',
    category: 'MINORS',
    status: 'ACTIVE',
    organizer: 'procuratorate-team',
    site: 'procuratorate',
    brand: 'weiai',
    startsOn: '2026-09-01',
    endsOn: '2027-01-15',
    created: '2026-08-20',
  },
  {
    key: 'legal',
    title: '法律进社区',
    description: '律师和法律工作者定期到社区、村居坐班，提供婚姻家庭、劳动纠纷、邻里矛盾等法律咨询。',
    category: 'LEGAL',
    status: 'RECRUITING',
    organizer: 'legal',
    site: 'center',
    startsOn: '2026-12-01',
    endsOn: '2027-03-31',
    created: '2026-11-05',
  },
  {
    key: 'elderly',
    title: '敬老助老',
    description: '结对帮扶社区独居和高龄老人，每周上门探访，帮助购物、打扫卫生、就医陪护和使用智能手机。',
    category: 'ELDERLY_CARE',
    status: 'ACTIVE',
    organizer: 'dongmen-team',
    site: 'dongmen',
    brand: 'yinling',
    startsOn: '2026-01-01',
    endsOn: '2026-12-31',
    created: '2025-12-10',
  },
  {
    key: 'river',
    title: '河道清洁',
    description: '汛期前后组织志愿者清理柳河河道及两岸垃圾，宣传河道保护知识。',
    category: 'ENVIRONMENT',
    status: 'COMPLETED',
    organizer: 'liuhe-river-team',
    site: 'liuhe',
    brand: 'qinghe',
    startsOn: '2026-04-01',
    endsOn: '2026-06-30',
    created: '2026-03-12',
  },
  {
    key: 'lecture',
    title: '理论宣讲进村居',
    description: '组织“百姓宣讲员”深入村居、田间地头，用方言土语讲政策、讲变化、讲身边好人好事。',
    category: 'CIVIC_EDUCATION',
    status: 'DRAFT',
    organizer: 'lecture',
    site: 'center',
    startsOn: '2027-01-05',
    endsOn: '2027-03-31',
    created: '2026-11-26',
  },
  {
    key: 'neighbours',
    title: '邻里守望',
    description: '以楼栋为单位组建守望小组，关注独居老人、残疾人等特殊群体，协助排查消防和燃气安全隐患。',
    category: 'COMMUNITY',
    status: 'ACTIVE',
    organizer: 'jiefanglu-team',
    site: 'jiefanglu',
    brand: 'linli',
    startsOn: '2026-06-01',
    endsOn: '2027-05-31',
    created: '2026-05-08',
  },
  {
    key: 'jishiyu-winter',
    title: '及时雨·雨雪冰冻天气应急服务',
    description: '入冬后遇雨雪冰冻天气，在学校门口、坡道和公交站点撒盐除冰、护送学生和老人出行。',
    category: 'COMMUNITY',
    status: 'RECRUITING',
    organizer: 'jishiyu',
    site: 'chengguan',
    brand: 'jishiyu',
    startsOn: '2026-12-01',
    endsOn: '2027-02-28',
    created: '2026-11-15',
  },
  {
    key: 'riders-traffic',
    title: '骑手文明出行倡导',
    description: '组织骑手开展“不闯红灯、不逆行、戴头盔”文明出行承诺活动（因与交通安全月活动合并而取消）。',
    category: 'TRAFFIC',
    status: 'CANCELLED',
    organizer: 'riders-team',
    site: 'riders',
    brand: 'qishou',
    startsOn: '2026-05-01',
    endsOn: '2026-05-31',
    created: '2026-04-08',
  },
];
