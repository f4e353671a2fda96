import { formatShanghai } from '../roster/time.js';

/*
 * The Chinese wording of every notification, in one place. Times are Asia/Shanghai wall-clock
 * times ("2026-07-07 08:00–11:00").
 */

/** What a text about a shift names. */
export interface ShiftFacts {
  projectTitle: string;
  postName: string;
  role: string;
  startsAt: Date;
  endsAt: Date;
}

export interface Text {
  title: string;
  body: string;
}

/** "2026-07-07 08:00–11:00", or with the end's date when it ends on another day. */
export function timeRange(startsAt: Date, endsAt: Date): string {
  const from = formatShanghai(startsAt);
  const to = formatShanghai(endsAt);
  return `${from}–${from.slice(0, 10) === to.slice(0, 10) ? to.slice(11) : to}`;
}

const where = (s: ShiftFacts) => `“${s.projectTitle}”${s.postName}（${s.role}）`;

export function promotedText(s: ShiftFacts): Text {
  return {
    title: '候补转正：您已获得上岗名额',
    body: `您已从候补名单转为正式上岗：${where(s)}，时间 ${timeRange(s.startsAt, s.endsAt)}。如不能出席，请及时回复确认。`,
  };
}

export function shiftChangedText(s: ShiftFacts, before: { startsAt: Date; endsAt: Date; postName: string | null }): Text {
  const parts: string[] = [];
  if (before.startsAt.getTime() !== s.startsAt.getTime() || before.endsAt.getTime() !== s.endsAt.getTime()) {
    parts.push(`时间由 ${timeRange(before.startsAt, before.endsAt)} 调整为 ${timeRange(s.startsAt, s.endsAt)}`);
  }
  if (before.postName !== null && before.postName !== s.postName) parts.push(`岗位由${before.postName}调整为${s.postName}`);
  return { title: '班次变更', body: `您参加的“${s.projectTitle}”班次有变更：${parts.join('；')}。` };
}

export function shiftCancelledText(s: ShiftFacts): Text {
  return { title: '班次取消', body: `您报名的${where(s)}（${timeRange(s.startsAt, s.endsAt)}）班次已取消，无需到岗。` };
}

export function unassignedText(s: ShiftFacts): Text {
  return { title: '已不在班次名单中', body: `您已不在${where(s)}（${timeRange(s.startsAt, s.endsAt)}）的班次名单中。` };
}

export function reminderText(s: ShiftFacts, offsetMinutes: number): Text {
  return {
    title: `上岗提醒：${offsetLabel(offsetMinutes)}后上岗`,
    body: `您将于 ${timeRange(s.startsAt, s.endsAt)} 在${where(s)}上岗，请提前到岗签到。如不能出席，请回复确认。`,
  };
}

/** A broadcast's default title when the sender gives none. */
export const BROADCAST_TITLE = { shift: '班次通知', project: '项目通知' } as const;

/** 1440 → "24小时", 90 → "1小时30分钟", 30 → "30分钟". */
export function offsetLabel(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h >= 48 && m === 0 && h % 24 === 0) return `${h / 24}天`;
  return `${h ? `${h}小时` : ''}${m ? `${m}分钟` : ''}` || '0分钟';
}

const ORDER_STATUS_WORDS: Record<string, string> = {
  DISPATCHED: '已派单',
  OPEN_FOR_CLAIM: '待团队接单',
  ACCEPTED: '已接单',
  IN_SERVICE: '服务中',
  COMPLETED: '已完成，请评价',
  RATED: '已评价',
  REJECTED: '未能受理',
  CANCELLED: '已取消',
};

const REPORT_STATUS_WORDS: Record<string, string> = {
  ACKNOWLEDGED: '已受理',
  IN_PROGRESS: '处理中',
  RESOLVED: '已解决',
  REJECTED: '未予受理',
};

/** A service order the recipient placed moved on. */
export function orderUpdateText(orderId: number, status: string): Text {
  return { title: '服务工单进展', body: `您的服务工单 #${orderId} ${ORDER_STATUS_WORDS[status] ?? status}。` };
}

/** A street report the recipient filed moved on. */
export function reportUpdateText(reportId: number, status: string): Text {
  return { title: '随手拍上报进展', body: `您上报的问题 #${reportId} ${REPORT_STATUS_WORDS[status] ?? status}。` };
}
