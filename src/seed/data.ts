/**
 * The fixed material of the demo city: a made-up county, 云溪县, with its civilisation-practice
 * sites, teams, brands and projects, plus the word lists volunteers are generated from.
 * Everything here is static; src/seed/city.ts turns it into rows.
 */
import type { ProjectCategory, ProjectStatus } from '../generated/prisma/client.js';

export const COUNTY = '云溪县';

// ---------------------------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------------------------

/** Common surnames, roughly in order of frequency (earlier ones are drawn more often). */
export const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何',
  '高', '林', '罗', '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '肖', '田',
  '董', '袁', '潘', '于', '蒋', '蔡', '余', '杜', '叶', '程', '苏', '魏', '吕', '丁', '任', '沈', '姚',
  '卢', '姜', '崔', '钟', '谭', '陆', '汪', '范', '金', '石', '廖', '贾', '夏', '韦', '付', '方', '白',
  '邹', '孟', '熊', '秦', '邱', '江', '尹', '薛', '闫', '段', '雷', '侯', '龙', '史', '陶', '黎', '贺',
  '顾', '毛', '郝', '龚', '邵', '万', '钱', '严', '武', '戴', '莫', '孔', '向', '汤', '欧阳', '司马',
] as const;

/**
 * Given-name characters. "Older" lists suit people born before about 1985, "younger" ones people
 * born later; a given name is one character from `single` or a first + second pair.
 */
export const GIVEN_NAMES = {
  MALE: {
    single: ['伟', '强', '磊', '军', '勇', '杰', '涛', '斌', '超', '刚', '平', '辉', '鹏', '波', '峰', '亮', '健', '龙', '飞', '毅'],
    older: {
      first: ['建', '国', '志', '永', '明', '文', '德', '庆', '新', '学', '立', '振', '俊', '红', '长', '金', '成', '海', '家', '春'],
      second: ['国', '华', '军', '民', '平', '强', '明', '林', '生', '忠', '福', '伟', '东', '荣', '山', '峰', '斌', '刚', '良', '昌'],
    },
    younger: {
      first: ['子', '浩', '宇', '俊', '梓', '博', '睿', '思', '一', '天', '嘉', '明', '泽', '皓', '文', '志', '晨', '逸', '家', '雨'],
      second: ['轩', '宇', '涵', '豪', '然', '杰', '航', '洋', '辰', '阳', '泽', '博', '凯', '晨', '鑫', '磊', '毅', '诚', '睿', '哲'],
    },
  },
  FEMALE: {
    single: ['芳', '娜', '敏', '静', '丽', '艳', '娟', '霞', '燕', '琳', '萍', '颖', '婷', '倩', '洁', '雪', '莉', '丹', '晶', '慧'],
    older: {
      first: ['秀', '桂', '玉', '淑', '凤', '丽', '美', '春', '红', '金', '素', '彩', '月', '海', '建', '翠', '爱', '小', '雪', '慧'],
      second: ['英', '兰', '珍', '芳', '华', '梅', '霞', '琴', '萍', '莲', '娟', '荣', '芬', '云', '玲', '凤', '燕', '红', '香', '琼'],
    },
    younger: {
      first: ['欣', '梓', '雨', '佳', '思', '诗', '可', '一', '紫', '语', '子', '梦', '雅', '婉', '若', '晓', '心', '静', '嘉', '安'],
      second: ['怡', '涵', '萱', '彤', '琪', '瑶', '悦', '琳', '雯', '婷', '妍', '然', '晴', '菲', '蕊', '娴', '宁', '璐', '馨', '月'],
    },
  },
} as const;

/** Mainland mobile prefixes in use (China Mobile, Unicom, Telecom, Broadnet). */
export const MOBILE_PREFIXES = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '147', '150', '151', '152',
  '153', '155', '156', '157', '158', '159', '166', '173', '175', '176', '177', '178', '180', '181',
  '182', '183', '184', '185', '186', '187', '188', '189', '191', '193', '195', '198', '199',
] as const;

/** Volunteer skills with how common they are (relative weights). */
export const SKILLS: readonly (readonly [skill: string, weight: number])[] = [
  ['急救', 10],
  ['交通引导', 9],
  ['驾驶', 9],
  ['摄影', 7],
  ['文艺表演', 6],
  ['烹饪', 6],
  ['心理疏导', 5],
  ['外语', 5],
  ['医疗护理', 4],
  ['导游讲解', 4],
  ['电脑维修', 3],
  ['家电维修', 3],
  ['理发', 3],
  ['书法', 3],
  ['理论宣讲', 3],
  ['法律咨询', 3],
  ['手语', 2],
];

// ---------------------------------------------------------------------------------------------
// Sites
// ---------------------------------------------------------------------------------------------

/** What a practice site may offer passers-by; ordinary sites get 饮水, 休息 and a few of the rest. */
export const SITE_SERVICES = [
  '饮水', '休息', '图书阅览', '免费复印', '充电', '应急药箱', '无线网络', '雨具借用', '微波炉加热',
  '老花镜', '针线包', '卫生间', '打气筒', '政策咨询', '代收快递',
] as const;

export interface StationDef {
  /** Stable handle for other seed parts (teams, projects, the roster). */
  key: string;
  /** The village, community or host place; the station is "<name>新时代文明实践站". */
  name: string;
  kind: 'village' | 'community' | 'special';
  /** Full site name when it is not "<name>新时代文明实践站". */
  fullName?: string;
  address?: string;
  services?: string[];
  hostOrganization?: string;
  /** Fixed opening date 'YYYY-MM-DD'; otherwise drawn between 2019 and 2022. */
  opened?: string;
  /** Relative weight as a volunteer's home site (1 = an ordinary village). */
  weight?: number;
}

export interface InstituteDef {
  key: string;
  /** Township (镇/乡) or subdistrict name. */
  town: string;
  /** Street of the township government, for the institute's address. */
  road: string;
  /** Roads of the township seat, for community stations' addresses. */
  roads: string[];
  stations: StationDef[];
}

export const CENTER = {
  key: 'center',
  name: `${COUNTY}新时代文明实践中心`,
  address: `${COUNTY}城关镇人民路1号县文化中心`,
  services: ['饮水', '休息', '图书阅览', '免费复印', '充电', '应急药箱', '无线网络', '雨具借用', '卫生间', '政策咨询'],
  hostOrganization: '中共云溪县委宣传部',
  opened: '2019-01-08',
};

export const INSTITUTES: InstituteDef[] = [
  {
    key: 'chengguan',
    town: '城关镇',
    road: '解放路',
    roads: ['解放路', '人民路', '文化路', '建设路', '东关大街', '滨河路', '新华路'],
    stations: [
      { key: 'jiefanglu', name: '解放路社区', kind: 'community', weight: 3 },
      { key: 'wenhualu', name: '文化路社区', kind: 'community', weight: 3 },
      { key: 'dongmen', name: '东门社区', kind: 'community', weight: 3 },
      { key: 'binhe', name: '滨河社区', kind: 'community', weight: 2.5 },
      {
        key: 'riders',
        name: '骑手之家',
        kind: 'special',
        fullName: '骑手之家新就业群体新时代文明实践站',
        address: `${COUNTY}城关镇建设路66号`,
        services: ['饮水', '休息', '充电', '微波炉加热', '应急药箱', '卫生间', '雨具借用', '打气筒', '无线网络', '政策咨询'],
        hostOrganization: '云溪县总工会',
        opened: '2023-05-01',
        weight: 1.5,
      },
      {
        key: 'procuratorate',
        name: '县人民检察院',
        kind: 'special',
        fullName: '云溪县人民检察院新时代文明实践站',
        address: `${COUNTY}城关镇新华路28号`,
        services: ['饮水', '休息', '图书阅览', '免费复印', '应急药箱', '法律咨询', '政策咨询'],
        hostOrganization: '云溪县人民检察院',
        opened: '2021-03-15',
        weight: 0.5,
      },
      {
        key: 'bus-station',
        name: '县汽车客运站',
        kind: 'special',
        fullName: '云溪县汽车客运站新时代文明实践站',
        address: `${COUNTY}城关镇滨河路188号汽车客运站候车厅`,
        services: ['饮水', '休息', '充电', '应急药箱', '雨具借用', '老花镜', '卫生间', '无线网络'],
        hostOrganization: '云溪县交通运输局',
        opened: '2020-01-06',
        weight: 0.8,
      },
    ],
  },
  {
    key: 'qingshi',
    town: '青石镇',
    road: '青石街',
    roads: ['青石街', '振兴路'],
    stations: [
      { key: 'qingshi-community', name: '青石社区', kind: 'community', weight: 1.5 },
      { key: 'qingshi-village', name: '青石村', kind: 'village' },
      { key: 'shimen', name: '石门村', kind: 'village' },
      { key: 'shangping', name: '上坪村', kind: 'village' },
      { key: 'xiaping', name: '下坪村', kind: 'village' },
    ],
  },
  {
    key: 'liuhe',
    town: '柳河镇',
    road: '柳河大街',
    roads: ['柳河大街', '河滨路'],
    stations: [
      { key: 'liuhe-village', name: '柳河村', kind: 'village' },
      { key: 'yangliuwan', name: '杨柳湾村', kind: 'village' },
      { key: 'hekou', name: '河口村', kind: 'village' },
      { key: 'liuhe-community', name: '柳河社区', kind: 'community', weight: 1.5 },
      { key: 'xinzhuang', name: '新庄村', kind: 'village' },
    ],
  },
  {
    key: 'baisha',
    town: '白沙镇',
    road: '白沙路',
    roads: ['白沙路', '沙河街'],
    stations: [
      { key: 'baisha-village', name: '白沙村', kind: 'village' },
      { key: 'shaping', name: '沙坪村', kind: 'village' },
      { key: 'baisha-community', name: '白沙社区', kind: 'community', weight: 1.5 },
      { key: 'longwangmiao', name: '龙王庙村', kind: 'village' },
    ],
  },
  {
    key: 'longquan',
    town: '龙泉乡',
    road: '龙泉街',
    roads: ['龙泉街'],
    stations: [
      { key: 'longquan-village', name: '龙泉村', kind: 'village' },
      { key: 'quanshuigou', name: '泉水沟村', kind: 'village' },
      { key: 'daping', name: '大坪村', kind: 'village' },
      {
        key: 'scenic',
        name: '云溪湖景区',
        kind: 'special',
        fullName: '云溪湖景区新时代文明实践站',
        address: `${COUNTY}龙泉乡云溪湖景区游客服务中心`,
        services: ['饮水', '休息', '充电', '应急药箱', '雨具借用', '老花镜', '卫生间', '无线网络', '政策咨询'],
        hostOrganization: '云溪县文化和旅游局',
        opened: '2020-05-01',
        weight: 0.8,
      },
    ],
  },
  {
    key: 'taoyuan',
    town: '桃源镇',
    road: '桃源路',
    roads: ['桃源路', '桃花街'],
    stations: [
      { key: 'taoyuan-village', name: '桃源村', kind: 'village' },
      { key: 'taohualing', name: '桃花岭村', kind: 'village' },
      { key: 'taoyuan-community', name: '桃源社区', kind: 'community', weight: 1.5 },
      { key: 'lijiazhuang', name: '李家庄村', kind: 'village' },
      { key: 'wangjiawan', name: '王家湾村', kind: 'village' },
    ],
  },
  {
    key: 'mafang',
    town: '马坊乡',
    road: '马坊街',
    roads: ['马坊街'],
    stations: [
      { key: 'mafang-village', name: '马坊村', kind: 'village' },
      { key: 'dongmafang', name: '东马坊村', kind: 'village' },
      { key: 'ximafang', name: '西马坊村', kind: 'village' },
      { key: 'gaojialing', name: '高家岭村', kind: 'village' },
    ],
  },
  {
    key: 'sanhe',
    town: '三河镇',
    road: '三河大道',
    roads: ['三河大道', '工业路'],
    stations: [
      { key: 'sanhe-community', name: '三河社区', kind: 'community', weight: 1.5 },
      { key: 'sanhe-village', name: '三河村', kind: 'village' },
      { key: 'hedong', name: '河东村', kind: 'village' },
      { key: 'hexi', name: '河西村', kind: 'village' },
      { key: 'zhangjiabao', name: '张家堡村', kind: 'village' },
      {
        key: 'industrial-park',
        name: '三河工业园区',
        kind: 'special',
        fullName: '三河工业园区新时代文明实践站',
        address: `${COUNTY}三河镇工业路9号园区党群服务中心`,
        services: ['饮水', '休息', '图书阅览', '免费复印', '充电', '应急药箱', '微波炉加热', '政策咨询'],
        hostOrganization: '三河工业园区管委会',
        opened: '2022-06-18',
      },
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Teams
// ---------------------------------------------------------------------------------------------

/** What team-building knows about a volunteer when weighing them as a member. */
export interface Candidate {
  gender: 'MALE' | 'FEMALE';
  /** Age on the demo's "as of" date. */
  age: number;
  skills: string[];
}

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

// ---------------------------------------------------------------------------------------------
// Brands
// ---------------------------------------------------------------------------------------------

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
