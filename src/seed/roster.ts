/**
 * The duty roster of the demo city: duty posts, the summer tourist-season campaign (history), the
 * shifts around the moment of seeding (a live-looking roster for today and tomorrow) and a few
 * service records.
 *
 * Like the city, `buildRoster()` is pure: it computes every row, ids included, and `writeRoster()`
 * inserts them in set-based batches (src/seed/insert.ts) and credits Volunteer.serviceMinutes with
 * what the rows earned.
 * The rows follow the rules of src/roster/service.ts as if they had been made through it:
 *   - Shift.assignedCount counts ASSIGNED + CHECKED_IN + COMPLETED, checkedInCount CHECKED_IN;
 *   - the waitlist is served in order of assignedAt, then id (promotions are replayed);
 *   - check-in from startsAt − 30 min until endsAt; minutes earned as serviceMinutesFor();
 *   - no volunteer holds two overlapping assignments (other than CANCELLED ones).
 *
 * Everything is drawn from the roster's own random streams. Only the live part depends on `now`:
 * its times move with the clock, its ids and shape do not.
 */
import type {
  AssignmentStatus,
  DutyPostKind,
  Prisma,
  ServiceRecordStatus,
  ShiftStatus,
} from '../generated/prisma/client.js';
import { CHECK_IN_OPENS_MINUTES, serviceMinutesFor } from '../roster/service.js';
import { addDays, parseCalendarDate, shanghaiDateOf, shanghaiMidnight, shanghaiWallClock } from '../roster/time.js';
import { resetIdSequences, type DemoCity, type ProjectRow, type VolunteerRow } from './city.js';
import { insertRows } from './insert.js';
import { COUNTY } from './data.js';
import { Random } from './random.js';

const MINUTE_MS = 60_000;

// ---------------------------------------------------------------------------------------------
// Rows: exactly the columns written, ids included.
// ---------------------------------------------------------------------------------------------

export interface DutyPostRow {
  id: number;
  name: string;
  kind: DutyPostKind;
  siteId: number;
  address: string;
  latitude: number;
  longitude: number;
  instructions: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface ShiftRow {
  id: number;
  projectId: number;
  postId: number;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  minimum: number;
  role: string;
  notes: string | null;
  status: ShiftStatus;
  assignedCount: number;
  checkedInCount: number;
  closedAt: Date | null;
  cancelledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AssignmentRow {
  id: number;
  shiftId: number;
  volunteerId: number;
  status: AssignmentStatus;
  assignedAt: Date;
  promotedAt: Date | null;
  checkedInAt: Date | null;
  checkedOutAt: Date | null;
  serviceMinutes: number | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  updatedAt: Date;
}

export interface ServiceRecordRow {
  id: number;
  volunteerId: number;
  teamId: number;
  description: string;
  servedOn: Date;
  minutes: number;
  status: ServiceRecordStatus;
  reviewNote: string | null;
  reviewedAt: Date | null;
  createdAt: Date;
}

export interface DemoRoster {
  /** The instant the live part was built around. */
  now: Date;
  posts: DutyPostRow[];
  shifts: ShiftRow[];
  assignments: AssignmentRow[];
  serviceRecords: ServiceRecordRow[];
  postByKey: Record<string, DutyPostRow>;
}

// ---------------------------------------------------------------------------------------------
// Duty posts
// ---------------------------------------------------------------------------------------------

interface PostDef {
  key: string;
  name: string;
  kind: DutyPostKind;
  /** Key of the site (src/seed/data.ts) the post belongs to. */
  site: string;
  /** Defaults to the site's address. */
  address?: string;
  lat: number;
  lng: number;
  /** When the post was set up, 'YYYY-MM-DD'. */
  opened: string;
  instructions: string;
}

const SCENIC = `${COUNTY}龙泉乡`;
const TOWN = `${COUNTY}城关镇`;

const POSTS: PostDef[] = [
  // The scenic area (云溪湖景区 and 云溪古镇), for the tourist season.
  {
    key: 'visitor-center',
    name: '云溪湖景区游客中心',
    kind: 'SCENIC_SPOT',
    site: 'scenic',
    address: `${SCENIC}环湖路1号云溪湖景区游客中心`,
    lat: 29.268312,
    lng: 120.112147,
    opened: '2026-06-10',
    instructions:
      '在游客中心咨询台提供景区导览、线路推荐和失物招领登记；协助售检票口维持排队秩序，遇老人、残疾人、孕妇等重点游客主动引导至绿色通道。着红马甲、佩戴志愿者证上岗，交接班时在服务台登记。',
  },
  {
    key: 'old-town-south',
    name: '云溪古镇南门',
    kind: 'SCENIC_SPOT',
    site: 'scenic',
    address: `${SCENIC}云溪古镇南门广场`,
    lat: 29.262104,
    lng: 120.106815,
    opened: '2026-06-10',
    instructions:
      '南门是古镇主入口。客流高峰时配合景区安保分流，劝导游客不翻越护栏、不在古建筑上刻画；在广场东侧遮阳棚设点，提供饮水、应急药箱和雨具借用。',
  },
  {
    key: 'old-town-north',
    name: '云溪古镇北门',
    kind: 'SCENIC_SPOT',
    site: 'scenic',
    address: `${SCENIC}云溪古镇北门`,
    lat: 29.266731,
    lng: 120.104932,
    opened: '2026-06-10',
    instructions:
      '北门连接停车场步道，引导自驾游客有序进出，提醒保管好随身物品；发现走失儿童或老人，先安抚并留在原地，立即报告游客中心广播寻人。',
  },
  {
    key: 'old-street',
    name: '古镇老街文昌阁',
    kind: 'SCENIC_SPOT',
    site: 'scenic',
    address: `${SCENIC}云溪古镇老街文昌阁前`,
    lat: 29.264418,
    lng: 120.105726,
    opened: '2026-06-10',
    instructions:
      '老街路窄人多，重点劝导乱扔垃圾、吸烟和堵路拍照；文昌阁为木结构文物，严禁明火，发现烟头立即劝阻并报告景区管理处。',
  },
  {
    key: 'lake-east',
    name: '云溪湖东岸观景台',
    kind: 'SCENIC_SPOT',
    site: 'scenic',
    address: `${SCENIC}环湖路东岸观景台`,
    lat: 29.271236,
    lng: 120.118904,
    opened: '2026-06-10',
    instructions:
      '提醒游客不翻越栏杆、不下湖戏水、不投喂野生鸟类；救生圈在观景台北侧立柱。雷雨天气引导游客到游客中心避雨，不在树下停留。',
  },
  {
    key: 'boardwalk',
    name: '环湖栈道入口',
    kind: 'SCENIC_SPOT',
    site: 'scenic',
    address: `${SCENIC}环湖路环湖栈道南入口`,
    lat: 29.269815,
    lng: 120.115203,
    opened: '2026-06-10',
    instructions:
      '高峰时段栈道单向通行，在入口控制人流，栈道人员过多时暂停放行并做好解释；劝导游客不采摘花木、不在栈道上奔跑打闹。',
  },
  {
    key: 'east-gate-parking',
    name: '景区东门停车场',
    kind: 'OTHER',
    site: 'scenic',
    address: `${SCENIC}环湖路景区东门停车场`,
    lat: 29.272508,
    lng: 120.121337,
    opened: '2026-06-10',
    instructions:
      '配合停车场管理员引导车辆有序停放，车位已满时引导至龙泉街临时停车场；在接驳车上下客点维持排队秩序。穿反光背心，不站在车辆通道上。',
  },
  {
    key: 'transfer-center',
    name: '景区游客集散中心',
    kind: 'STATION_PORT',
    site: 'scenic',
    address: `${SCENIC}龙泉街与环湖路交叉口东侧游客集散中心`,
    lat: 29.258927,
    lng: 120.100214,
    opened: '2026-06-10',
    instructions:
      '集散中心是景区接驳车和旅游专线的始发站：引导游客排队乘车，解答换乘和返程班次问题，班次以候车厅电子屏为准；老人、抱小孩的游客优先上车。',
  },
  {
    key: 'ferry',
    name: '云溪渡口',
    kind: 'STATION_PORT',
    site: 'scenic',
    address: `${SCENIC}云溪湖西岸渡口码头`,
    lat: 29.273614,
    lng: 120.103408,
    opened: '2026-06-10',
    instructions:
      '渡船上下客时维持排队秩序，提醒乘客穿好救生衣、听从船员指挥、不在船头拍照；遇大风、雷雨停航，做好解释并引导游客改走环湖路。',
  },
  {
    key: 'railway',
    name: '云溪站',
    kind: 'STATION_PORT',
    site: 'bus-station',
    address: `${TOWN}站前路1号云溪站出站口`,
    lat: 29.128736,
    lng: 119.972418,
    opened: '2026-06-10',
    instructions:
      '在出站口志愿服务台为旅客指路，介绍去云溪湖景区、云溪古镇的旅游专线和公交；协助老人、抱小孩旅客上下台阶，劝导出租车不在出站口揽客。不进入站台和检票区。',
  },
  {
    key: 'bus-station-tourism',
    name: '县汽车客运站旅游专线站台',
    kind: 'STATION_PORT',
    site: 'bus-station',
    address: `${TOWN}滨河路188号汽车客运站旅游专线站台`,
    lat: 29.119316,
    lng: 119.987602,
    opened: '2026-06-10',
    instructions:
      '旅游专线每30分钟一班，引导游客排队购票乘车，解答景区开放时间、门票和优惠政策；行李多的旅客协助放入行李舱。',
  },
  {
    key: 'longquan-crossing',
    name: '龙泉街与环湖路交叉口',
    kind: 'TRAFFIC_INTERSECTION',
    site: 'longquan',
    address: `${SCENIC}龙泉街与环湖路交叉口`,
    lat: 29.257463,
    lng: 120.098716,
    opened: '2026-06-10',
    instructions:
      '景区入口主路口，节假日车流量大：配合交警劝导机动车礼让行人、行人走斑马线，引导自驾车辆按指示牌进入停车场。站在安全岛内，穿反光背心，不进入机动车道。',
  },
  // Town intersections, for 文明交通劝导.
  {
    key: 'renmin-jiefang',
    name: '人民路与解放路交叉口',
    kind: 'TRAFFIC_INTERSECTION',
    site: 'chengguan',
    address: `${TOWN}人民路与解放路交叉口`,
    lat: 29.123615,
    lng: 119.981247,
    opened: '2026-08-25',
    instructions:
      '城区最繁忙的路口，四个路角各站一人：红灯时拉起劝导绳，劝导行人和非机动车等灯，提醒电动车骑行人佩戴头盔。听从执勤交警指挥，不与群众发生争执，遇纠纷报告交警处理。',
  },
  {
    key: 'dongguan-jianshe',
    name: '东关大街与建设路交叉口',
    kind: 'TRAFFIC_INTERSECTION',
    site: 'chengguan',
    address: `${TOWN}东关大街与建设路交叉口`,
    lat: 29.125128,
    lng: 119.990715,
    opened: '2026-08-25',
    instructions:
      '靠近骑手之家，电动车和外卖车辆多：重点劝导闯红灯、逆行和不戴头盔；早高峰有学生通行，协助护送过马路。',
  },
  {
    key: 'wenhua-xinhua',
    name: '文化路与新华路交叉口',
    kind: 'TRAFFIC_INTERSECTION',
    site: 'chengguan',
    address: `${TOWN}文化路与新华路交叉口`,
    lat: 29.121806,
    lng: 119.976834,
    opened: '2026-08-25',
    instructions:
      '靠近县实验小学：上下学时段配合护学岗护送学生过街，劝导家长车辆不在路口停车接送；其余时段劝导行人走斑马线。',
  },
  {
    key: 'binhe-renmin',
    name: '滨河路与人民路交叉口',
    kind: 'TRAFFIC_INTERSECTION',
    site: 'chengguan',
    address: `${TOWN}滨河路与人民路交叉口`,
    lat: 29.118342,
    lng: 119.983926,
    opened: '2026-08-25',
    instructions:
      '紧邻汽车客运站，旅客携带行李多：引导旅客走斑马线过街，提醒出租车、网约车在指定区域上下客，不在路口停靠。',
  },
  {
    key: 'xinhua-jiefang',
    name: '新华路与解放路交叉口',
    kind: 'TRAFFIC_INTERSECTION',
    site: 'chengguan',
    address: `${TOWN}新华路与解放路交叉口`,
    lat: 29.126207,
    lng: 119.979013,
    opened: '2026-08-25',
    instructions:
      '路口东北角为县人民检察院，西南角为农贸市场：早市时段三轮车、电动车多，劝导非机动车在停止线内等候，不占用人行横道。',
  },
  {
    key: 'bus-station-hall',
    name: '县汽车客运站候车厅',
    kind: 'STATION_PORT',
    site: 'bus-station',
    lat: 29.119518,
    lng: 119.987135,
    opened: '2026-01-10',
    instructions:
      '候车厅爱心服务台：为旅客提供购票指导、行李搬运，帮助老人使用自助售票机；老弱病残孕等重点旅客登记后由志愿者陪同优先进站。',
  },
  // Communities and practice sites.
  {
    key: 'jiefanglu-community',
    name: '解放路社区党群服务中心',
    kind: 'COMMUNITY',
    site: 'jiefanglu',
    lat: 29.124873,
    lng: 119.983502,
    opened: '2026-05-20',
    instructions:
      '邻里守望巡查：按楼栋名单走访独居和高龄老人，查看燃气、楼道杂物、电动车入户充电等安全隐患，发现问题填写巡查记录并当天报告社区网格员。',
  },
  {
    key: 'dongmen-community',
    name: '东门社区老年活动中心',
    kind: 'COMMUNITY',
    site: 'dongmen',
    lat: 29.122418,
    lng: 119.993617,
    opened: '2025-12-20',
    instructions:
      '银龄互助：陪老人聊天读报、教使用智能手机和医保电子凭证；为行动不便的老人登记代购需求，次日送货上门。',
  },
  {
    key: 'binhe-community',
    name: '滨河社区服务站',
    kind: 'COMMUNITY',
    site: 'binhe',
    lat: 29.116905,
    lng: 119.985314,
    opened: '2025-03-01',
    instructions: '为听障居民提供手语陪同办事、就医沟通预约；每周三下午开设手语角，教居民常用手语。',
  },
  {
    key: 'taoyuan-community',
    name: '桃源社区党群服务中心',
    kind: 'COMMUNITY',
    site: 'taoyuan-community',
    lat: 29.081427,
    lng: 120.036518,
    opened: '2025-04-15',
    instructions: '开展家庭教育讲座、环境卫生整治和节日关爱活动；活动前一天在社区群里发布通知，活动后拍照留档。',
  },
  {
    key: 'center-desk',
    name: '县新时代文明实践中心志愿服务台',
    kind: 'PRACTICE_SITE',
    site: 'center',
    lat: 29.124906,
    lng: 119.980635,
    opened: '2025-09-01',
    instructions:
      '在县文化中心一楼大厅接待来访群众，登记志愿服务需求和志愿者报名，介绍实践中心各功能室的开放时间；复印、充电等便民服务免费提供。',
  },
  {
    key: 'riders-home',
    name: '骑手之家暖心驿站',
    kind: 'PRACTICE_SITE',
    site: 'riders',
    lat: 29.125637,
    lng: 119.991842,
    opened: '2025-06-01',
    instructions:
      '为外卖、快递骑手提供饮水、充电、热饭和临时休息；驿站内不得给电动车电池充电。收集骑手在送单途中发现的安全隐患线索，转交社区处理。',
  },
  {
    key: 'industrial-park-hall',
    name: '三河工业园区党群服务中心',
    kind: 'PRACTICE_SITE',
    site: 'industrial-park',
    lat: 28.986214,
    lng: 119.914376,
    opened: '2025-10-10',
    instructions: '午休时段为园区职工提供政策咨询和法律援助预约；每月第二个周四举办安全生产知识讲座，志愿者负责签到和场地布置。',
  },
  {
    key: 'qingshi-institute',
    name: '青石镇新时代文明实践所',
    kind: 'PRACTICE_SITE',
    site: 'qingshi',
    lat: 29.183542,
    lng: 119.902615,
    opened: '2025-11-05',
    instructions: '乡风文明宣讲和移风易俗咨询：接待村民关于红白事操办标准的咨询，宣传“红事新办、白事简办”。',
  },
];

// ---------------------------------------------------------------------------------------------
// The summer campaign: 旅游旺季文明引导行动, 30 days × 2 windows × 12 posts
// ---------------------------------------------------------------------------------------------

const CAMPAIGN = {
  project: 'tourism-peak',
  posts: [
    'visitor-center',
    'old-town-south',
    'old-town-north',
    'old-street',
    'lake-east',
    'boardwalk',
    'east-gate-parking',
    'transfer-center',
    'ferry',
    'railway',
    'bus-station-tourism',
    'longquan-crossing',
  ],
  firstDay: '2026-07-07',
  days: 30,
  /** Daily windows in Shanghai minutes after midnight. */
  windows: [
    [8 * 60, 12 * 60],
    [14 * 60, 18 * 60],
  ] as const,
  capacity: 8,
  minimum: 6,
  role: '文明引导',
  notes: '着红马甲、戴志愿者证上岗；高温时段注意防暑，岗位饮水由游客中心统一配送。',
  /** When the campaign's shifts were entered (one createShifts call), Shanghai date and minute. */
  createdOn: '2026-06-20',
  createdAt: 10 * 60 + 17,
  /** One afternoon a thunderstorm warning closed the scenic area: those shifts were cancelled. */
  storm: { day: '2026-07-22', window: 1, noticeAt: 11 * 60 + 40, reason: '雷电黄色预警，景区下午暂停开放，本班次取消' },
};

/** The campaign's most active volunteers (scenic-team members) and how often they come. */
const CORE_TURNOUT = [0.8, 0.72, 0.64, 0.58, 0.52, 0.45, 0.38, 0.32, 0.26, 0.2];

const CANCEL_REASONS = [
  '临时有事，无法到岗',
  '身体不适',
  '家中老人住院需要陪护',
  '单位临时加班',
  '孩子生病需要照顾',
  '与单位组织的活动时间冲突',
  '外出探亲，不在县内',
];

// ---------------------------------------------------------------------------------------------
// The live roster: around the moment of seeding
// ---------------------------------------------------------------------------------------------

interface LiveSpec {
  post: string;
  /** The first ACTIVE project covering the shift's day; the first one when none does. */
  projects: string[];
  role: string;
  /** Teams whose members mostly staff the shift. */
  teams: string[];
  /** Start: minutes after the anchor (now, rounded down to the half hour), or a wall-clock minute tomorrow. */
  start: { offset: number } | { tomorrow: number };
  minutes: number;
  capacity: number;
  minimum: number;
  notes?: string;
  /** Sign-ups still standing: places held first, the rest waitlisted in order. */
  signUps: number;
  /** Volunteers who signed up and cancelled before the start. */
  withdrew?: number;
  /** Of the places held on a started shift: checked out, still checked in, left early, absent. */
  completed?: number;
  checkedIn?: number;
  leftEarly?: number;
  noShow?: number;
  /** Closed by staff 20 minutes after its end. */
  closed?: boolean;
  /** The whole shift was cancelled this long before now; its assignments are kept as CANCELLED. */
  cancelled?: { reason: string; minutesBeforeNow: number };
}

const TRAFFIC = ['traffic'];
const TRAFFIC_TEAMS = ['traffic', 'red-vest', 'jishiyu'];

const LIVE: LiveSpec[] = [
  {
    // Ended earlier today and closed: checked out, one absent, one withdrew the day before.
    post: 'renmin-jiefang',
    projects: TRAFFIC,
    role: '文明交通劝导',
    teams: TRAFFIC_TEAMS,
    start: { offset: -270 },
    minutes: 180,
    capacity: 6,
    minimum: 4,
    signUps: 6,
    withdrew: 1,
    completed: 5,
    noShow: 1,
    closed: true,
  },
  {
    // Ended an hour ago, not closed yet: the team leader has marked one absence.
    post: 'jiefanglu-community',
    projects: ['neighbours'],
    role: '邻里守望巡查',
    teams: ['jiefanglu-team'],
    start: { offset: -180 },
    minutes: 120,
    capacity: 4,
    minimum: 3,
    signUps: 4,
    completed: 3,
    noShow: 1,
  },
  {
    // In progress: most checked in, one left early, one late, one absent. STAFFED.
    post: 'railway',
    projects: TRAFFIC,
    role: '进出站引导',
    teams: ['bus-station-team', ...TRAFFIC_TEAMS],
    start: { offset: -90 },
    minutes: 240,
    capacity: 8,
    minimum: 6,
    signUps: 8,
    withdrew: 1,
    checkedIn: 5,
    leftEarly: 1,
    noShow: 1,
  },
  {
    // In progress and UNDERSTAFFED.
    post: 'dongguan-jianshe',
    projects: TRAFFIC,
    role: '文明交通劝导',
    teams: TRAFFIC_TEAMS,
    start: { offset: -60 },
    minutes: 150,
    capacity: 6,
    minimum: 4,
    signUps: 3,
    checkedIn: 2,
  },
  {
    // Starts within 30 minutes: FULL with a waitlist, two already checked in.
    post: 'bus-station-hall',
    projects: TRAFFIC,
    role: '旅客引导',
    teams: ['bus-station-team', ...TRAFFIC_TEAMS],
    start: { offset: 30 },
    minutes: 180,
    capacity: 6,
    minimum: 4,
    notes: '周末返程客流高峰，重点帮扶携带大件行李的旅客和学生。',
    signUps: 9,
    withdrew: 1,
    checkedIn: 2,
  },
  {
    // Cancelled this morning: sign-ups kept as CANCELLED.
    post: 'wenhua-xinhua',
    projects: TRAFFIC,
    role: '文明交通劝导',
    teams: TRAFFIC_TEAMS,
    start: { offset: 60 },
    minutes: 120,
    capacity: 6,
    minimum: 4,
    notes: '路口燃气管线抢修，交警临时封闭交通。',
    signUps: 4,
    withdrew: 1,
    cancelled: { reason: '路口燃气管线抢修，交警临时封闭交通，本班次取消', minutesBeforeNow: 150 },
  },
  {
    post: 'ferry',
    projects: TRAFFIC,
    role: '渡口秩序维护',
    teams: ['scenic-team', 'longquan-team', ...TRAFFIC],
    start: { offset: 120 },
    minutes: 180,
    capacity: 6,
    minimum: 4,
    signUps: 5,
    withdrew: 1,
  },
  {
    // Later today: FULL with a waitlist of two.
    post: 'binhe-renmin',
    projects: TRAFFIC,
    role: '文明交通劝导',
    teams: TRAFFIC_TEAMS,
    start: { offset: 180 },
    minutes: 120,
    capacity: 4,
    minimum: 3,
    signUps: 6,
  },
  {
    // Later today: UNDERSTAFFED.
    post: 'xinhua-jiefang',
    projects: TRAFFIC,
    role: '文明交通劝导',
    teams: TRAFFIC_TEAMS,
    start: { offset: 240 },
    minutes: 120,
    capacity: 6,
    minimum: 4,
    signUps: 2,
    withdrew: 1,
  },
  // Tomorrow.
  {
    post: 'renmin-jiefang',
    projects: TRAFFIC,
    role: '文明交通劝导',
    teams: TRAFFIC_TEAMS,
    start: { tomorrow: 7 * 60 },
    minutes: 120,
    capacity: 6,
    minimum: 4,
    notes: '早高峰。',
    signUps: 4,
  },
  {
    post: 'dongmen-community',
    projects: ['elderly', 'neighbours'],
    role: '助老探访',
    teams: ['dongmen-team', 'women'],
    start: { tomorrow: 9 * 60 },
    minutes: 150,
    capacity: 4,
    minimum: 2,
    signUps: 3,
  },
  {
    post: 'ferry',
    projects: TRAFFIC,
    role: '渡口秩序维护',
    teams: ['scenic-team', 'longquan-team', ...TRAFFIC],
    start: { tomorrow: 8 * 60 },
    minutes: 240,
    capacity: 6,
    minimum: 4,
    signUps: 7,
    withdrew: 1,
  },
  {
    post: 'railway',
    projects: TRAFFIC,
    role: '进出站引导',
    teams: ['bus-station-team', ...TRAFFIC_TEAMS],
    start: { tomorrow: 16 * 60 + 30 },
    minutes: 180,
    capacity: 8,
    minimum: 6,
    notes: '周一晚高峰返校学生多。',
    signUps: 2,
  },
];

// ---------------------------------------------------------------------------------------------
// Service records
// ---------------------------------------------------------------------------------------------

interface RecordDef {
  team: string;
  description: string;
  servedOn: string;
  minutes: number;
  status: ServiceRecordStatus;
  reviewNote?: string;
  /** The campaign's core volunteer with this index instead of a random member. */
  core?: number;
  /** The same volunteer as the record at this index (a duplicate entry). */
  sameAs?: number;
}

const RECORDS: RecordDef[] = [
  {
    team: 'scenic-team',
    description: '国庆黄金周云溪湖景区游客中心咨询引导（补录）',
    servedOn: '2026-10-03',
    minutes: 480,
    status: 'APPROVED',
    reviewNote: '经游客中心核实，情况属实。',
    core: 6,
  },
  {
    team: 'scenic-team',
    description: '国庆假期云溪古镇南门文明劝导',
    servedOn: '2026-10-05',
    minutes: 360,
    status: 'APPROVED',
    reviewNote: '同意。',
    core: 7,
  },
  { team: 'scenic-team', description: '周末环湖栈道垃圾捡拾', servedOn: '2026-11-22', minutes: 150, status: 'PENDING' },
  {
    team: 'traffic',
    description: '交通安全知识进校园宣讲',
    servedOn: '2026-11-25',
    minutes: 120,
    status: 'PENDING',
  },
  {
    team: 'traffic',
    description: '县实验小学门口护学岗',
    servedOn: '2026-11-16',
    minutes: 90,
    status: 'APPROVED',
    reviewNote: '同意。',
  },
  {
    team: 'veterans',
    description: '参加县退役军人事务局座谈会',
    servedOn: '2026-11-08',
    minutes: 240,
    status: 'REJECTED',
    reviewNote: '座谈会属于会议活动，不计入志愿服务时长。',
  },
  {
    team: 'dongmen-team',
    description: '结对探访独居老人，帮助购买生活用品',
    servedOn: '2026-11-19',
    minutes: 90,
    status: 'APPROVED',
    reviewNote: '同意。',
  },
  {
    team: 'women',
    description: '为困难妇女家庭上门送冬衣',
    servedOn: '2026-11-21',
    minutes: 180,
    status: 'APPROVED',
    reviewNote: '同意，请补充活动照片。',
  },
  { team: 'jishiyu', description: '雨天在县实验小学门口护送学生过街', servedOn: '2026-11-26', minutes: 60, status: 'PENDING' },
  {
    team: 'liuhe-river-team',
    description: '柳河村段河道巡查，清理岸边垃圾',
    servedOn: '2026-11-07',
    minutes: 120,
    status: 'APPROVED',
    reviewNote: '同意。',
  },
  {
    team: 'liuhe-river-team',
    description: '柳河村段河道巡查',
    servedOn: '2026-11-07',
    minutes: 120,
    status: 'REJECTED',
    reviewNote: '与同日已登记的巡河记录重复。',
    sameAs: 9,
  },
  { team: 'jiefanglu-team', description: '楼栋消防安全隐患排查', servedOn: '2026-11-27', minutes: 150, status: 'PENDING' },
];

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function day(text: string): Date {
  const date = parseCalendarDate(text);
  if (!date) throw new Error(`seed data: bad date ${text}`);
  return date;
}

function lookup<T>(record: Record<string, T>, key: string, what: string): T {
  const value = record[key];
  if (!value) throw new Error(`seed data: unknown ${what} ${key}`);
  return value;
}

const at = (ms: number) => new Date(ms);
const plusMinutes = (instant: Date, minutes: number) => new Date(instant.getTime() + minutes * MINUTE_MS);
const maxDate = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b);
const minDate = (a: Date, b: Date) => (a.getTime() <= b.getTime() ? a : b);

/** A random instant in [from, to], rounded down to the second but never before `from`. */
function between(rng: Random, from: Date, to: Date, skew = 1): Date {
  const span = Math.max(0, to.getTime() - from.getTime());
  const t = Math.floor((from.getTime() + span * rng.float() ** skew) / 1000) * 1000;
  return at(Math.max(t, from.getTime()));
}

/** A Shanghai wall-clock instant on a date, at a random minute and second in [fromHour, toHour). */
function instantOn(rng: Random, date: Date, fromHour: number, toHour: number): Date {
  return at(shanghaiWallClock(date, rng.int(fromHour * 60, toHour * 60 - 1)).getTime() + rng.int(0, 59) * 1000);
}

/** Whether an ACTIVE project's dates cover a calendar date. */
function covers(project: ProjectRow, date: Date): boolean {
  return project.status === 'ACTIVE' && project.startsOn <= date && date <= project.endsOn;
}

interface SignUp {
  volunteerId: number;
  assignedAt: Date;
  cancelledAt?: Date;
  cancelReason?: string;
}

interface Settled extends SignUp {
  status: 'ASSIGNED' | 'WAITLISTED' | 'CANCELLED';
  promotedAt: Date | null;
}

/**
 * Replays sign-ups and withdrawals in time order as src/roster/service.ts would have handled them:
 * a sign-up takes a place while one is free, otherwise joins the waitlist; a withdrawal from a
 * place promotes the first waitlisted volunteer. Returns the sign-ups in waitlist order (assignedAt,
 * then — as ids are given in this order — insertion), with their resulting status.
 */
function settle(capacity: number, signUps: SignUp[]): Settled[] {
  const order: Settled[] = [...signUps]
    .sort((a, b) => a.assignedAt.getTime() - b.assignedAt.getTime() || a.volunteerId - b.volunteerId)
    .map((s) => ({ ...s, status: 'ASSIGNED', promotedAt: null }));
  const events = [
    ...order.map((s, i) => ({ t: s.assignedAt.getTime(), join: true, i })),
    ...order.flatMap((s, i) => (s.cancelledAt ? [{ t: s.cancelledAt.getTime(), join: false, i }] : [])),
  ].sort((a, b) => a.t - b.t || Number(b.join) - Number(a.join) || a.i - b.i);
  let held = 0;
  const waitlist: number[] = [];
  for (const event of events) {
    const s = order[event.i];
    if (event.join) {
      if (held < capacity) {
        s.status = 'ASSIGNED';
        held++;
      } else {
        s.status = 'WAITLISTED';
        waitlist.push(event.i);
      }
      continue;
    }
    if (s.status === 'ASSIGNED') {
      held--;
      const next = waitlist.shift();
      if (next !== undefined) {
        order[next].status = 'ASSIGNED';
        order[next].promotedAt = s.cancelledAt!;
        held++;
      }
    } else {
      waitlist.splice(waitlist.indexOf(event.i), 1);
    }
    s.status = 'CANCELLED';
  }
  return order;
}

function assignmentRow(id: number, shiftId: number, s: Settled): AssignmentRow {
  return {
    id,
    shiftId,
    volunteerId: s.volunteerId,
    status: s.status,
    assignedAt: s.assignedAt,
    promotedAt: s.promotedAt,
    checkedInAt: null,
    checkedOutAt: null,
    serviceMinutes: null,
    cancelledAt: s.cancelledAt ?? null,
    cancelReason: s.cancelReason ?? null,
    updatedAt: s.cancelledAt ?? s.promotedAt ?? s.assignedAt,
  };
}

/** Sets a shift's counters from its assignments, exactly as the rules keep them. */
function count(shift: ShiftRow, assignments: AssignmentRow[]): void {
  shift.assignedCount = assignments.filter((a) => ['ASSIGNED', 'CHECKED_IN', 'COMPLETED'].includes(a.status)).length;
  shift.checkedInCount = assignments.filter((a) => a.status === 'CHECKED_IN').length;
  if (shift.assignedCount > shift.capacity) throw new Error(`seed: shift ${shift.id} over capacity`);
}

/** Checks a volunteer in and out (COMPLETED), crediting minutes as a check-out would. */
function complete(a: AssignmentRow, shift: ShiftRow, checkedInAt: Date, checkedOutAt: Date): void {
  const opens = plusMinutes(shift.startsAt, -CHECK_IN_OPENS_MINUTES);
  if (checkedInAt < opens || checkedInAt >= shift.endsAt || checkedOutAt < checkedInAt) {
    throw new Error(`seed: bad check-in/out on shift ${shift.id}`);
  }
  a.status = 'COMPLETED';
  a.checkedInAt = checkedInAt;
  a.checkedOutAt = checkedOutAt;
  a.serviceMinutes = serviceMinutesFor(shift, checkedInAt, checkedOutAt);
  a.updatedAt = checkedOutAt;
}

// ---------------------------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------------------------

interface Ids {
  shift: number;
  assignment: number;
}

function buildPosts(city: DemoCity): { posts: DutyPostRow[]; postByKey: Record<string, DutyPostRow> } {
  const rng = Random.stream('roster-posts');
  const postByKey: Record<string, DutyPostRow> = {};
  const posts = POSTS.map((def, i) => {
    const site = lookup(city.siteByKey, def.site, 'site');
    const createdAt = maxDate(instantOn(rng, day(def.opened), 9, 17), plusMinutes(site.createdAt, 24 * 60));
    const row: DutyPostRow = {
      id: i + 1,
      name: def.name,
      kind: def.kind,
      siteId: site.id,
      address: def.address ?? site.address,
      latitude: def.lat,
      longitude: def.lng,
      instructions: def.instructions,
      createdAt,
      updatedAt: createdAt,
    };
    if (def.key in postByKey) throw new Error(`seed data: duplicate post ${def.key}`);
    postByKey[def.key] = row;
    return row;
  });
  return { posts, postByKey };
}

interface Person {
  row: VolunteerRow;
  teams: Set<number>;
}

function people(city: DemoCity): Person[] {
  const teamsOf = new Map<number, Set<number>>();
  for (const m of city.memberships) {
    let set = teamsOf.get(m.volunteerId);
    if (!set) teamsOf.set(m.volunteerId, (set = new Set()));
    set.add(m.teamId);
  }
  return city.volunteers.map((row) => ({ row, teams: teamsOf.get(row.id) ?? new Set() }));
}

/**
 * The summer campaign, all in the past: shifts closed after they ended, volunteers checked out
 * (COMPLETED) or absent (NO_SHOW), some withdrawals (CANCELLED), one stormy afternoon cancelled.
 * Returns the ids of the core volunteers (most active first).
 */
function buildCampaign(
  city: DemoCity,
  postByKey: Record<string, DutyPostRow>,
  everyone: Person[],
  ids: Ids,
  shifts: ShiftRow[],
  assignments: AssignmentRow[],
): number[] {
  const rng = Random.stream('roster');
  const project = lookup(city.projectByKey, CAMPAIGN.project, 'project');
  const team = (key: string) => lookup(city.teamByKey, key, 'team').id;
  const scenicTeam = team('scenic-team');
  const youth = team('youth');
  const longquanTeam = team('longquan-team');
  const longquan = lookup(city.siteByKey, 'longquan', 'site');
  const siteById = new Map(city.sites.map((s) => [s.id, s]));
  const posts = CAMPAIGN.posts.map((key) => lookup(postByKey, key, 'post'));
  const createdAt = at(shanghaiWallClock(day(CAMPAIGN.createdOn), CAMPAIGN.createdAt).getTime() + 23_000);

  // Who serves: active volunteers registered before the campaign was announced.
  const announced = day('2026-06-01');
  const eligible = everyone.filter((p) => p.row.status === 'ACTIVE' && p.row.registeredAt < announced);
  const scenicLeader = city.teams.find((t) => t.id === scenicTeam)!.leaderId;
  const scenicMembers = eligible.filter((p) => p.teams.has(scenicTeam));
  const leader = scenicMembers.filter((p) => p.row.id === scenicLeader);
  const coreMembers = [
    ...leader,
    ...rng.sample(
      scenicMembers.filter((p) => p.row.id !== scenicLeader),
      CORE_TURNOUT.length - leader.length,
    ),
  ];
  const core = coreMembers.map((p, i) => ({ id: p.row.id, turnout: CORE_TURNOUT[i], favourite: rng.int(0, posts.length - 1) }));
  const coreIds = new Set(core.map((c) => c.id));
  const pool = eligible
    .filter((p) => !coreIds.has(p.row.id))
    .map((p) => {
      const where = siteById.get(p.row.homeSiteId)!.path;
      const near = where === longquan.path || where.startsWith(`${longquan.path}.`) ? 1.5 : 1;
      const teamWeight = p.teams.has(scenicTeam) ? 3 : p.teams.has(youth) || p.teams.has(longquanTeam) ? 2 : 1;
      const keenness = rng.weighted([0.3, 1, 1.6], (_, i) => [6, 3, 1][i]);
      return { id: p.row.id, weight: near * teamWeight * keenness };
    });

  const first = day(CAMPAIGN.firstDay);
  const storm = CAMPAIGN.storm;
  for (let d = 0; d < CAMPAIGN.days; d++) {
    const date = addDays(first, d);
    const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
    CAMPAIGN.windows.forEach(([from, to], w) => {
      const startsAt = shanghaiWallClock(date, from);
      const endsAt = shanghaiWallClock(date, to);
      const stormy = date.getTime() === day(storm.day).getTime() && w === storm.window;
      const stormAt = at(shanghaiWallClock(date, storm.noticeAt).getTime() + 12_000);
      // Sign-ups close two hours before the start; withdrawals up to 30 minutes before.
      const signUpBy = stormy ? plusMinutes(stormAt, -30) : plusMinutes(startsAt, -120);
      const withdrawBy = stormy ? plusMinutes(stormAt, -5) : plusMinutes(startsAt, -30);

      // Places held on the day (COMPLETED or NO_SHOW) and withdrawals, per post.
      const held = posts.map(() =>
        weekend ? rng.weighted([5, 6, 7, 8], (_, i) => [1, 2, 3, 3][i]) : rng.weighted([4, 5, 6, 7, 8], (_, i) => [2, 3, 3, 2, 1][i]),
      );
      const withdrawals = posts.map(() => rng.weighted([0, 1, 2], (_, i) => [7, 2.5, 0.5][i]));

      // The core volunteers who come stand at their favourite post when it has room.
      const onPost: number[][] = posts.map(() => []);
      for (const c of core) {
        if (!rng.chance(c.turnout)) continue;
        let p = c.favourite;
        if (onPost[p].length >= held[p]) {
          const room = held.map((h, i) => h - onPost[i].length);
          p = room.indexOf(Math.max(...room));
          if (room[p] <= 0) continue;
        }
        onPost[p].push(c.id);
      }
      const busy = new Set(onPost.flat());
      const needed = held.reduce((sum, h, i) => sum + h - onPost[i].length, 0);
      const others = rng.shuffle(rng.weightedSample(pool, needed, (v) => v.weight));
      for (const v of others) busy.add(v.id);
      let next = 0;
      onPost.forEach((list, i) => {
        while (list.length < held[i]) list.push(others[next++].id);
      });
      const leaving = rng.shuffle(
        rng.weightedSample(
          pool.filter((v) => !busy.has(v.id)),
          withdrawals.reduce((a, b) => a + b, 0),
          (v) => v.weight,
        ),
      );
      let nextLeaving = 0;

      posts.forEach((post, i) => {
        const shift: ShiftRow = {
          id: ids.shift++,
          projectId: project.id,
          postId: post.id,
          startsAt,
          endsAt,
          capacity: CAMPAIGN.capacity,
          minimum: CAMPAIGN.minimum,
          role: CAMPAIGN.role,
          notes: CAMPAIGN.notes,
          status: 'OPEN',
          assignedCount: 0,
          checkedInCount: 0,
          closedAt: null,
          cancelledAt: null,
          createdAt,
          updatedAt: createdAt,
        };
        const signUps: SignUp[] = onPost[i].map((volunteerId) => ({
          volunteerId,
          assignedAt: between(rng, createdAt, signUpBy, coreIds.has(volunteerId) ? 1.5 : 0.6),
        }));
        for (let k = 0; k < withdrawals[i]; k++) {
          const assignedAt = between(rng, createdAt, plusMinutes(signUpBy, -60), 0.6);
          signUps.push({
            volunteerId: leaving[nextLeaving++].id,
            assignedAt,
            cancelledAt: between(rng, plusMinutes(assignedAt, 10), withdrawBy),
            cancelReason: rng.pick(CANCEL_REASONS),
          });
        }
        const rows = settle(shift.capacity, signUps).map((s) => assignmentRow(ids.assignment++, shift.id, s));

        if (stormy) {
          // cancelShift: every place and waitlist entry cancelled with the shift's reason.
          for (const a of rows) {
            if (a.status === 'CANCELLED') continue;
            a.status = 'CANCELLED';
            a.cancelledAt = stormAt;
            a.cancelReason = storm.reason;
            a.updatedAt = stormAt;
          }
          shift.status = 'CANCELLED';
          shift.cancelledAt = stormAt;
          shift.updatedAt = stormAt;
        } else {
          let lastOut = endsAt;
          const closing: AssignmentRow[] = [];
          for (const a of rows) {
            if (a.status !== 'ASSIGNED') continue;
            if (rng.chance(coreIds.has(a.volunteerId) ? 0.02 : 0.07)) {
              a.status = 'NO_SHOW'; // set when the shift was closed
              closing.push(a);
              continue;
            }
            const checkedInAt = at(startsAt.getTime() + rng.int(-25 * 60, 10 * 60) * 1000);
            const r = rng.float();
            if (r < 0.1) {
              // Forgot to check out: closing the shift checked them out at its end.
              complete(a, shift, checkedInAt, endsAt);
              closing.push(a);
            } else {
              const out =
                r < 0.15
                  ? at(startsAt.getTime() + rng.int(100 * 60, 200 * 60) * 1000)
                  : at(endsAt.getTime() + rng.int(-12 * 60, 20 * 60) * 1000);
              complete(a, shift, checkedInAt, out);
              lastOut = maxDate(lastOut, out);
            }
          }
          const closedAt = maxDate(
            at(endsAt.getTime() + rng.int(15 * 60, 90 * 60) * 1000),
            at(lastOut.getTime() + rng.int(60, 600) * 1000),
          );
          for (const a of closing) a.updatedAt = closedAt;
          shift.closedAt = closedAt;
          shift.updatedAt = closedAt;
        }
        count(shift, rows);
        shifts.push(shift);
        assignments.push(...rows);
      });
    });
  }
  return core.map((c) => c.id);
}

/**
 * Shifts around `now`: one ended and closed, one ended but open, two in progress, one starting
 * within half an hour (full, with a waitlist), one cancelled, some later today and tomorrow.
 * Volunteers are distinct across these shifts, so nobody is double-booked.
 */
function buildLive(
  city: DemoCity,
  postByKey: Record<string, DutyPostRow>,
  everyone: Person[],
  now: Date,
  ids: Ids,
  shifts: ShiftRow[],
  assignments: AssignmentRow[],
): void {
  const rng = Random.stream('roster-live');
  const anchor = at(Math.floor(now.getTime() / (30 * MINUTE_MS)) * 30 * MINUTE_MS);
  const today = shanghaiDateOf(now);
  const tomorrow = addDays(today, 1);
  const registeredBy = day('2026-10-01');
  const pool = everyone.filter((p) => p.row.status === 'ACTIVE' && p.row.registeredAt < registeredBy);
  const used = new Set<number>();
  const notAfterNow = (instant: Date, what: string) => {
    if (instant > now) throw new Error(`seed: ${what} after now`);
    return instant;
  };

  for (const spec of LIVE) {
    const post = lookup(postByKey, spec.post, 'post');
    const startsAt =
      'offset' in spec.start ? plusMinutes(anchor, spec.start.offset) : shanghaiWallClock(tomorrow, spec.start.tomorrow);
    const endsAt = plusMinutes(startsAt, spec.minutes);
    const shiftDay = shanghaiDateOf(startsAt);
    const candidates = spec.projects.map((key) => lookup(city.projectByKey, key, 'project'));
    const project = candidates.find((p) => covers(p, shiftDay)) ?? candidates[0];
    const createdAt = instantOn(rng, addDays(today, -rng.int(3, 7)), 9, 18);
    const shift: ShiftRow = {
      id: ids.shift++,
      projectId: project.id,
      postId: post.id,
      startsAt,
      endsAt,
      capacity: spec.capacity,
      minimum: spec.minimum,
      role: spec.role,
      notes: spec.notes ?? null,
      status: 'OPEN',
      assignedCount: 0,
      checkedInCount: 0,
      closedAt: null,
      cancelledAt: null,
      createdAt,
      updatedAt: createdAt,
    };

    // Who: members of the spec's teams first, never anyone already on another of these shifts.
    const teamIds = spec.teams.map((key) => lookup(city.teamByKey, key, 'team').id);
    const withdrew = spec.withdrew ?? 0;
    const chosen = rng.weightedSample(
      pool.filter((p) => !used.has(p.row.id)),
      spec.signUps + withdrew,
      (p) => (teamIds.some((t) => p.teams.has(t)) ? 20 : 1),
    );
    for (const p of chosen) used.add(p.row.id);

    // When: sign-ups and withdrawals before the start (or before now, or before the cancellation).
    const cancelledAt = spec.cancelled ? at(now.getTime() - spec.cancelled.minutesBeforeNow * MINUTE_MS) : null;
    const cutoff = cancelledAt
      ? plusMinutes(cancelledAt, -10)
      : startsAt <= now
        ? plusMinutes(startsAt, -15)
        : at(Math.floor((now.getTime() - MINUTE_MS) / 1000) * 1000);
    const signUps: SignUp[] = chosen.map((p, i) => {
      const assignedAt = between(rng, createdAt, plusMinutes(cutoff, i < spec.signUps ? 0 : -60), 0.7);
      if (i < spec.signUps) return { volunteerId: p.row.id, assignedAt };
      return {
        volunteerId: p.row.id,
        assignedAt,
        cancelledAt: between(rng, plusMinutes(assignedAt, 5), cutoff),
        cancelReason: rng.pick(CANCEL_REASONS),
      };
    });
    const rows = settle(shift.capacity, signUps).map((s) => assignmentRow(ids.assignment++, shift.id, s));

    if (cancelledAt) {
      for (const a of rows) {
        if (a.status === 'CANCELLED') continue;
        a.status = 'CANCELLED';
        a.cancelledAt = cancelledAt;
        a.cancelReason = spec.cancelled!.reason;
        a.updatedAt = cancelledAt;
      }
      shift.status = 'CANCELLED';
      shift.cancelledAt = cancelledAt;
    } else if (startsAt <= plusMinutes(now, CHECK_IN_OPENS_MINUTES)) {
      // Started, or check-in already open: settle the places held in a random order.
      const holding = rng.shuffle(rows.filter((a) => a.status === 'ASSIGNED'));
      if (startsAt <= now && rows.some((a) => a.status === 'WAITLISTED')) {
        throw new Error(`seed: started live shift ${spec.post} has a waitlist`);
      }
      // Mostly from 25 minutes before to 20 after the start; check-in is open here, so now ≥ startsAt − 30 min.
      const checkIn = () => between(rng, minDate(plusMinutes(startsAt, -25), now), minDate(now, plusMinutes(startsAt, 20)));
      const ended = endsAt <= now;
      const closedAt = spec.closed ? plusMinutes(endsAt, 20) : null;
      let next = 0;
      for (let k = 0; k < (spec.completed ?? 0); k++) {
        const a = holding[next++];
        if (!ended) throw new Error('seed: completed on a shift not ended');
        const inAt = checkIn();
        complete(a, shift, inAt, notAfterNow(at(endsAt.getTime() + rng.int(-10 * 60, 15 * 60) * 1000), 'check-out'));
      }
      for (let k = 0; k < (spec.leftEarly ?? 0); k++) {
        const a = holding[next++];
        const inAt = checkIn();
        complete(a, shift, inAt, between(rng, plusMinutes(inAt, 45), now));
      }
      for (let k = 0; k < (spec.checkedIn ?? 0); k++) {
        const a = holding[next++];
        a.status = 'CHECKED_IN';
        a.checkedInAt = notAfterNow(checkIn(), 'check-in');
        a.updatedAt = a.checkedInAt;
      }
      for (let k = 0; k < (spec.noShow ?? 0); k++) {
        const a = holding[next++];
        a.status = 'NO_SHOW';
        a.updatedAt = closedAt ?? notAfterNow(between(rng, plusMinutes(startsAt, 20), minDate(now, plusMinutes(startsAt, 40))), 'no-show');
      }
      if (closedAt) {
        notAfterNow(closedAt, 'closing');
        if (holding.length > next) throw new Error('seed: closed live shift with volunteers still assigned');
        shift.closedAt = closedAt;
      }
    }
    count(shift, rows);
    shift.updatedAt = [shift.createdAt, shift.closedAt, shift.cancelledAt, ...rows.map((a) => a.updatedAt)]
      .filter((t): t is Date => t !== null)
      .reduce((a, b) => maxDate(a, b));
    for (const a of rows) notAfterNow(a.updatedAt, 'assignment change');
    shifts.push(shift);
    assignments.push(...rows);
  }
}

/**
 * A few hours served outside the roster, entered for members of the entering team. They belong to
 * the demo's own "now" (DEMO_AS_OF), not the clock: nothing here is later than that.
 */
function buildServiceRecords(city: DemoCity, everyone: Person[], core: number[]): ServiceRecordRow[] {
  const rng = Random.stream('roster-records');
  const byId = new Map(everyone.map((p) => [p.row.id, p]));
  const used = new Set<string>();
  const records: ServiceRecordRow[] = [];
  RECORDS.forEach((def, i) => {
    const team = lookup(city.teamByKey, def.team, 'team');
    const servedOn = day(def.servedOn);
    if (servedOn > shanghaiDateOf(city.asOf)) throw new Error(`seed data: record ${i} served after the demo date`);
    let volunteerId: number;
    if (def.sameAs !== undefined) {
      volunteerId = records[def.sameAs].volunteerId;
    } else if (def.core !== undefined) {
      volunteerId = core[def.core];
      if (!byId.get(volunteerId)?.teams.has(team.id)) throw new Error(`seed data: record ${i} not for a team member`);
    } else {
      const members = city.memberships
        .filter((m) => m.teamId === team.id && m.joinedAt < shanghaiMidnight(servedOn))
        .filter((m) => byId.get(m.volunteerId)!.row.status === 'ACTIVE' && !used.has(`${def.team}:${m.volunteerId}`));
      if (members.length === 0) throw new Error(`seed data: no member of ${def.team} for record ${i}`);
      volunteerId = rng.pick(members).volunteerId;
    }
    used.add(`${def.team}:${volunteerId}`);
    // Entered within days of the service, reviewed a day or two later; nothing after DEMO_AS_OF.
    const latest = plusMinutes(city.asOf, -30);
    const entered = instantOn(rng, addDays(servedOn, rng.int(1, 3)), 9, 21);
    // A duplicate is entered after the record it repeats.
    const createdAt = minDate(
      def.sameAs !== undefined ? plusMinutes(records[def.sameAs].createdAt, rng.int(30, 600)) : entered,
      latest,
    );
    const reviewedAt =
      def.status === 'PENDING' ? null : minDate(at(createdAt.getTime() + rng.int(4 * 60, 48 * 60) * MINUTE_MS), city.asOf);
    records.push({
      id: i + 1,
      volunteerId,
      teamId: team.id,
      description: def.description,
      servedOn,
      minutes: def.minutes,
      status: def.status,
      reviewNote: def.reviewNote ?? null,
      reviewedAt,
      createdAt,
    });
  });
  return records;
}

/** Computes every roster row. Pure: the same `now` gives the same rows. */
export function buildRoster(city: DemoCity, now: Date = new Date()): DemoRoster {
  const { posts, postByKey } = buildPosts(city);
  const everyone = people(city);
  const ids: Ids = { shift: 1, assignment: 1 };
  const shifts: ShiftRow[] = [];
  const assignments: AssignmentRow[] = [];
  const core = buildCampaign(city, postByKey, everyone, ids, shifts, assignments);
  buildLive(city, postByKey, everyone, now, ids, shifts, assignments);
  const serviceRecords = buildServiceRecords(city, everyone, core);
  return { now, posts, shifts, assignments, serviceRecords, postByKey };
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/**
 * Inserts the roster and credits every volunteer with the minutes of their COMPLETED assignments
 * and APPROVED service records, as check-outs and approvals would have.
 */
export async function writeRoster(tx: Prisma.TransactionClient, roster: DemoRoster): Promise<Record<string, number>> {
  const counts = {
    dutyPosts: await insertRows(tx, 'DutyPost', roster.posts),
    shifts: await insertRows(tx, 'Shift', roster.shifts),
    assignments: await insertRows(tx, 'ShiftAssignment', roster.assignments),
    serviceRecords: await insertRows(tx, 'ServiceRecord', roster.serviceRecords),
  };
  await resetIdSequences(tx, ['DutyPost', 'Shift', 'ShiftAssignment', 'ServiceRecord']);
  await tx.$executeRawUnsafe(`
    UPDATE "Volunteer" AS v SET "serviceMinutes" = v."serviceMinutes" + earned."minutes"
    FROM (
      SELECT "volunteerId", SUM("minutes")::int AS "minutes" FROM (
        SELECT "volunteerId", "serviceMinutes" AS "minutes" FROM "ShiftAssignment" WHERE "status" = 'COMPLETED'
        UNION ALL
        SELECT "volunteerId", "minutes" FROM "ServiceRecord" WHERE "status" = 'APPROVED'
      ) AS credited
      GROUP BY "volunteerId"
    ) AS earned
    WHERE v."id" = earned."volunteerId"`);
  return counts;
}

/** The roster seed part: builds and writes the roster for the given city at `now`. */
export async function seedRoster(
  tx: Prisma.TransactionClient,
  city: DemoCity,
  now: Date = new Date(),
): Promise<Record<string, number>> {
  return writeRoster(tx, buildRoster(city, now));
}
