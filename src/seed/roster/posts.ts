/** The demo city's duty posts: their data and their rows (src/seed/roster/index.ts). */
import type { DutyPostKind } from '../../generated/prisma/client.js';
import type { DemoCity } from '../city/index.js';
import { COUNTY } from '../data.js';
import { Random } from '../random.js';
import type { DutyPostRow } from './rows.js';
import { day, instantOn, lookup, maxDate } from '../draw.js';
import { plusMinutes } from './common.js';

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

export function buildPosts(city: DemoCity): { posts: DutyPostRow[]; postByKey: Record<string, DutyPostRow> } {
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
