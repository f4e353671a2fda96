/**
 * The fixed material of the demo city: a made-up county, 云溪县, with its civilisation-practice
 * sites, plus the word lists volunteers are generated from (its teams: teams-data.ts; its brands
 * and projects: projects-data.ts). Everything here is static; src/seed/city/ turns it into rows.
 */
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

/** What team-building knows about a volunteer when weighing them as a member. */
export interface Candidate {
  gender: 'MALE' | 'FEMALE';
  /** Age on the demo's "as of" date. */
  age: number;
  skills: string[];
}
