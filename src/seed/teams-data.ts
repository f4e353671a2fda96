/** The demo city's teams (src/seed/data.ts has its sites; src/seed/city/organisation.ts makes the rows). */
import type { Candidate } from './data.js';

export interface TeamDef {
  key: string;
  name: string;
  /** Key of the site the team belongs to. */
  site: string;
  description: string;
  /** A skill the team looks for; volunteers with it are much likelier to be members. */
  skill?: string;
  /** Extra preference (a weight factor, 0 excludes) for who joins. */
  prefer?: (c: Candidate) => number;
  /** Member count range; by default it depends on the site's level. */
  size?: [min: number, max: number];
  /** Founding date 'YYYY-MM-DD'; otherwise drawn after the site opened. */
  founded?: string;
}

const township = (key: string, town: string, name: string, description: string): TeamDef => ({
  key,
  name: `${town}${name}`,
  site: key.replace(/-team$/, ''),
  description,
});

export const TEAMS: TeamDef[] = [
  // County level, at the center.
  {
    key: 'youth',
    name: '云溪县青年志愿服务队',
    site: 'center',
    description: '由共青团云溪县委员会牵头组建，主要开展大型活动保障、文明旅游引导和关爱留守儿童等服务。',
    prefer: (c) => (c.age <= 35 ? 6 : c.age <= 45 ? 1 : 0.1),
    founded: '2019-03-05',
  },
  {
    key: 'women',
    name: '云溪县巾帼志愿服务队',
    site: 'center',
    description: '由县妇联组建，聚焦家庭文明建设、困难妇女儿童帮扶和“浓情年味·暖冬”等关爱活动。',
    prefer: (c) => (c.gender === 'FEMALE' ? 1 : 0),
    founded: '2019-03-08',
  },
  {
    key: 'veterans',
    name: '云溪县退役军人志愿服务队',
    site: 'center',
    description: '由县退役军人事务局指导，退役军人发挥政治过硬、作风优良的特点，参与应急救援、国防教育和关爱老兵。',
    skill: '驾驶',
    prefer: (c) => (c.gender === 'MALE' ? (c.age >= 35 ? 6 : 2) : 0.15),
    founded: '2019-08-01',
  },
  {
    key: 'traffic',
    name: '云溪县文明交通志愿服务队',
    site: 'center',
    description: '配合县公安局交警大队，在城区主要路口开展文明交通劝导，倡导“礼让斑马线”。',
    skill: '交通引导',
    founded: '2019-05-20',
  },
  {
    key: 'medical',
    name: '云溪县医疗卫生志愿服务队',
    site: 'center',
    description: '由县人民医院、县中医院医护人员组成，开展义诊、健康讲座和应急救护培训。',
    skill: '急救',
    founded: '2019-06-10',
  },
  {
    key: 'legal',
    name: '云溪县法律服务志愿服务队',
    site: 'center',
    description: '由律师、法律工作者和司法所干部组成，提供法律咨询、矛盾调解和普法宣传。',
    skill: '法律咨询',
    size: [20, 40],
    founded: '2019-12-04',
  },
  {
    key: 'lecture',
    name: '云溪县理论宣讲志愿服务队',
    site: 'center',
    description: '用群众听得懂的语言宣讲党的创新理论，深入村居、企业、学校开展“接地气”的微宣讲。',
    skill: '理论宣讲',
    size: [20, 45],
    founded: '2019-04-15',
  },
  {
    key: 'arts',
    name: '云溪县文艺志愿服务队',
    site: 'center',
    description: '县文化馆牵头，组织文艺骨干送戏下乡、辅导群众文艺团队。',
    skill: '文艺表演',
    founded: '2019-07-01',
  },
  {
    key: 'psych',
    name: '云溪县心理健康志愿服务队',
    site: 'center',
    description: '由心理咨询师和学校心理教师组成，开展心理健康讲座和一对一心理疏导。',
    skill: '心理疏导',
    size: [15, 35],
    founded: '2021-10-10',
  },
  {
    key: 'photo',
    name: '云溪县摄影志愿服务队',
    site: 'center',
    description: '摄影爱好者用镜头记录志愿服务和城乡新貌，为活动提供影像资料。',
    skill: '摄影',
    size: [15, 35],
    founded: '2020-09-12',
  },
  // Township level, at the institutes.
  {
    key: 'jishiyu',
    name: '城关镇及时雨志愿服务队',
    site: 'chengguan',
    description: '哪里有需要就出现在哪里：雨雪天气护送学生、帮扶独居老人、参与突发事件应急处置。',
    founded: '2019-04-02',
  },
  {
    key: 'red-vest',
    name: '城关镇红马甲志愿服务队',
    site: 'chengguan',
    description: '身穿红马甲活跃在城区街头巷尾，开展环境整治、文明劝导和便民服务。',
  },
  {
    key: 'bookish',
    name: '城关镇书香志愿服务队',
    site: 'chengguan',
    description: '依托县图书馆和社区书屋开展亲子阅读、读书分享和“书香润心”系列活动。',
    prefer: (c) => (c.age <= 60 ? 1 : 0.4),
  },
  township('qingshi-team', '青石镇', '乡风文明志愿服务队', '推动移风易俗，倡导红事新办、白事简办，评选“好婆婆”“好媳妇”。'),
  township('liuhe-team', '柳河镇', '志愿服务队', '柳河镇志愿服务总队，统筹全镇防汛、助农、人居环境整治等志愿服务。'),
  township('baisha-team', '白沙镇', '志愿服务队', '白沙镇志愿服务总队，开展农技服务、邻里互助和乡村文化活动。'),
  township('longquan-team', '龙泉乡', '志愿服务队', '龙泉乡志愿服务总队，服务景区周边村庄，协助开展护林防火和文明旅游宣传。'),
  township('taoyuan-team', '桃源镇', '志愿服务队', '桃源镇志愿服务总队，围绕桃花节、果品销售旺季开展助农和秩序维护。'),
  township('mafang-team', '马坊乡', '志愿服务队', '马坊乡志愿服务总队，重点关爱空巢老人和留守儿童。'),
  township('sanhe-team', '三河镇', '志愿服务队', '三河镇志愿服务总队，服务园区职工和周边村民。'),
  // Station level.
  {
    key: 'riders-team',
    name: '骑手志愿服务队',
    site: 'riders',
    description: '外卖和快递骑手组成的“移动哨兵”，在送单途中随手发现并上报安全隐患、帮扶困难群众。',
    skill: '驾驶',
    prefer: (c) => (c.gender === 'MALE' && c.age >= 20 && c.age <= 45 ? 5 : c.age >= 20 && c.age <= 45 ? 1 : 0.05),
    size: [25, 60],
  },
  {
    key: 'procuratorate-team',
    name: '检察蓝志愿服务队',
    site: 'procuratorate',
    description: '县人民检察院干警组成，开展“未爱启航”未成年人保护、法治进校园和公益诉讼宣传。',
    skill: '法律咨询',
    prefer: (c) => (c.age >= 24 && c.age <= 58 ? 1 : 0),
    size: [15, 30],
  },
  {
    key: 'jiefanglu-team',
    name: '解放路社区邻里守望志愿服务队',
    site: 'jiefanglu',
    description: '楼栋长、单元长和热心居民组成，邻里守望、互帮互助，协助排查安全隐患。',
  },
  {
    key: 'dongmen-team',
    name: '东门社区银发志愿服务队',
    site: 'dongmen',
    description: '退休老党员、老教师发挥余热，开展“银龄互助”：以老助老、结对帮扶独居老人。',
    prefer: (c) => (c.age >= 60 ? 8 : c.age >= 55 ? 2 : 0.05),
  },
  {
    key: 'wenhualu-team',
    name: '文化路社区家电维修志愿服务队',
    site: 'wenhualu',
    description: '每月第一个周六在社区广场义务维修小家电、磨刀、修伞。',
    skill: '家电维修',
    size: [10, 25],
  },
  {
    key: 'binhe-team',
    name: '滨河社区手语志愿服务队',
    site: 'binhe',
    description: '学习和推广手语，为听障人士提供陪同办事、就医沟通等服务。',
    skill: '手语',
    size: [10, 20],
  },
  {
    key: 'liuhe-river-team',
    name: '柳河村护河志愿服务队',
    site: 'liuhe-village',
    description: '常态化巡河、清理河道垃圾、劝阻电鱼和乱倒垃圾，守护一河清水。',
  },
  {
    key: 'scenic-team',
    name: '云溪湖景区文明旅游志愿服务队',
    site: 'scenic',
    description: '在景区游客服务中心和主要景点提供咨询引导、文明劝导、应急救助和讲解服务。',
    skill: '导游讲解',
    prefer: (c) => (c.age <= 55 ? 1 : 0.3),
    size: [30, 70],
  },
  {
    key: 'bus-station-team',
    name: '客运站爱心志愿服务队',
    site: 'bus-station',
    description: '为旅客提供购票指导、行李搬运、重点旅客帮扶，春运期间全天候值守。',
    skill: '交通引导',
  },
  {
    key: 'qingshi-village-team',
    name: '青石村移风易俗志愿服务队',
    site: 'qingshi-village',
    description: '红白理事会成员和乡贤组成，操办婚丧事宜时上门宣传移风易俗。',
    prefer: (c) => (c.age >= 40 ? 3 : 1),
    size: [10, 20],
  },
  {
    key: 'taoyuan-community-team',
    name: '桃源社区巾帼志愿服务队',
    site: 'taoyuan-community',
    description: '社区妇女骨干组成，开展家庭教育讲座、环境整治和节日关爱活动。',
    prefer: (c) => (c.gender === 'FEMALE' ? 1 : 0),
  },
  {
    key: 'sanhe-community-team',
    name: '三河社区平安志愿服务队',
    site: 'sanhe-community',
    description: '佩戴红袖标开展治安巡逻、防诈骗宣传和矛盾纠纷排查。',
  },
  {
    key: 'baisha-barber-team',
    name: '白沙村便民理发志愿服务队',
    site: 'baisha-village',
    description: '定期上门为行动不便的老人、残疾人免费理发。',
    skill: '理发',
    size: [10, 15],
  },
  {
    key: 'mafang-elderly-team',
    name: '马坊村敬老志愿服务队',
    site: 'mafang-village',
    description: '为空巢和高龄老人送餐、打扫卫生、陪伴聊天，节假日开展集体祝寿。',
  },
  {
    key: 'hekou-forest-team',
    name: '河口村护林防火志愿服务队',
    site: 'hekou',
    description: '清明、秋冬防火期巡山护林，宣传森林防火知识。',
    prefer: (c) => (c.gender === 'MALE' ? 3 : 1),
    size: [10, 25],
  },
  {
    key: 'longquan-arts-team',
    name: '龙泉村文艺志愿服务队',
    site: 'longquan-village',
    description: '村里的秧歌队、锣鼓队，逢年过节排练节目，用身边事教育身边人。',
    skill: '文艺表演',
    size: [12, 30],
  },
  {
    key: 'zhangjiabao-children-team',
    name: '张家堡村关爱留守儿童志愿服务队',
    site: 'zhangjiabao',
    description: '周末和寒暑假为留守儿童辅导作业、开展安全教育和兴趣课程。',
    prefer: (c) => (c.age <= 50 ? 2 : 1),
    size: [10, 25],
  },
  {
    key: 'industrial-park-team',
    name: '三河工业园区职工志愿服务队',
    site: 'industrial-park',
    description: '园区企业职工组成，开展安全生产宣传、技能培训和结对帮扶。',
    prefer: (c) => (c.age >= 20 && c.age <= 55 ? 1 : 0),
  },
  {
    key: 'taohualing-team',
    name: '桃花岭村果树技术志愿服务队',
    site: 'taohualing',
    description: '种植能手和农技员为果农提供修剪、嫁接、病虫害防治等技术指导。',
    prefer: (c) => (c.age >= 30 ? 2 : 0.5),
    size: [10, 20],
  },
  {
    key: 'shangping-team',
    name: '上坪村乡村振兴志愿服务队',
    site: 'shangping',
    description: '返乡大学生和致富带头人组成，帮助村民开展电商直播、销售农产品。',
    prefer: (c) => (c.age <= 45 ? 3 : 0.5),
    size: [10, 25],
  },
];
