import { memo } from 'preact/compat';
import { useMemo, useState } from 'preact/hooks';
import type { Session } from './api';
import { AssignPanel } from './assign';
import type { BoardShiftFragment, Staffing } from './generated/graphql';
import { type Connection, type BoardView, type LiveBoard } from './live';
import { type SiteOption, levelName } from './app';
import { dayStart, hhmm, hhmmss, serverNow } from './time';

const CONNECTION_TEXT: Record<Connection, string> = {
  connecting: '正在连接…',
  live: '实时',
  reconnecting: '正在重连…',
  offline: '离线',
};

const STAFFING_TEXT: Record<Staffing, string> = { UNDERSTAFFED: '缺员', STAFFED: '已达最低', FULL: '已满' };

export function BoardScreen(props: {
  view: BoardView;
  board: LiveBoard;
  session: Session;
  options: SiteOption[];
  onChoose: (id: string) => void;
  onLogOut: () => void;
}) {
  const { view, board, session } = props;
  const n = view.numbers;
  return (
    <div class="screen">
      <header class="top">
        <h1>值班看板{n ? ` · ${n.site.name}` : ''}</h1>
        {props.options.length > 0 && (
          <div class="site-choice">
            <label for="site">站点</label>
            <select id="site" value={board.siteId} onChange={(e) => props.onChoose(e.currentTarget.value)}>
              {props.options.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}（{levelName(o.level)}）
                </option>
              ))}
            </select>
          </div>
        )}
        <p class={`connection ${view.connection}`} role="status" aria-live="polite" data-testid="connection" data-state={view.connection}>
          <span class="dot" aria-hidden="true" />
          连接状态：{CONNECTION_TEXT[view.connection]}
        </p>
        <button type="button" onClick={props.onLogOut}>{session.kind === 'board' ? '退出看板' : '退出登录'}</button>
      </header>

      <section class="numbers" aria-label="值班概况">
        <Stat testid="on-duty" label="当前在岗" value={n?.onDutyNow} unit="人" />
        <Stat testid="expected" label="应在岗" value={n?.expectedNow} unit="人" />
        <Stat testid="understaffed" label="缺员班次" value={n?.understaffedCount} unit="个" warn={(n?.understaffedCount ?? 0) > 0} />
        <Stat testid="open-slots" label="今日空缺" value={n?.openSlotsToday} unit="个岗位" />
        <Stat testid="service-minutes" label="今日服务时长" value={n ? Math.round(n.serviceMinutesToday) : undefined} unit="分钟" />
        {n && <p class="as-of">数据时间 {hhmmss(Date.parse(n.generatedAt))}</p>}
      </section>

      <div class="main">
        <Timeline shifts={view.shifts} date={view.date} />
        <aside class="side">
          <Understaffed shifts={n?.understaffedShifts ?? []} total={n?.understaffedCount ?? 0} session={session} onAssigned={(s) => board.applyShifts([s])} />
          <section class="log" aria-label="连接记录">
            <h2>连接记录</h2>
            <ol data-testid="connection-log">
              {view.log.map((line, i) => (
                <li key={i}>
                  <time>{hhmmss(line.at)}</time> {line.text}
                </li>
              ))}
            </ol>
          </section>
        </aside>
      </div>
    </div>
  );
}

function Stat(props: { testid: string; label: string; value: number | undefined; unit: string; warn?: boolean }) {
  return (
    <div class={`number${props.warn ? ' warn' : ''}`} data-testid={props.testid}>
      <span class="label">{props.label}</span>
      <span class="value" data-value={props.value ?? ''}>{props.value ?? '—'}</span>
      <span class="unit">{props.unit}</span>
    </div>
  );
}

interface PostRow {
  id: string;
  name: string;
  siteName: string;
  shifts: BoardShiftFragment[];
  /** Changes whenever a shift of the row changes: rows whose shifts did not change are not repainted. */
  signature: string;
}

const signatureOf = (s: BoardShiftFragment) =>
  `${s.id}:${s.startsAt}:${s.endsAt}:${s.capacity}:${s.minimum}:${s.assignedCount}:${s.checkedInCount}:${s.staffing}:${s.status}`;

/** The hours the timeline spans: the day's shifts, at least 06:00–22:00. */
function hourRange(shifts: Iterable<BoardShiftFragment>, date: string): [number, number] {
  const start = dayStart(date);
  let from = 6;
  let to = 22;
  for (const s of shifts) {
    from = Math.min(from, Math.max(0, Math.floor((Date.parse(s.startsAt) - start) / 3_600_000)));
    to = Math.max(to, Math.min(24, Math.ceil((Date.parse(s.endsAt) - start) / 3_600_000)));
  }
  return [from, to];
}

function Timeline({ shifts, date }: { shifts: ReadonlyMap<string, BoardShiftFragment>; date: string | null }) {
  const [filter, setFilter] = useState<'all' | 'understaffed'>('all');
  const rows = useMemo(() => {
    const byPost = new Map<string, PostRow>();
    for (const s of shifts.values()) {
      if (filter === 'understaffed' && (s.staffing !== 'UNDERSTAFFED' || s.status !== 'OPEN')) continue;
      let row = byPost.get(s.post.id);
      if (!row) byPost.set(s.post.id, (row = { id: s.post.id, name: s.post.name, siteName: s.post.site.name, shifts: [], signature: '' }));
      row.shifts.push(s);
    }
    const list = [...byPost.values()].sort((a, b) => a.siteName.localeCompare(b.siteName, 'zh-CN') || a.name.localeCompare(b.name, 'zh-CN'));
    for (const row of list) {
      row.shifts.sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.id.localeCompare(b.id));
      row.signature = row.shifts.map(signatureOf).join('|');
    }
    return list;
  }, [shifts, filter]);
  if (!date) return <section class="timeline" aria-label="今日排班"><p class="boot">正在加载今日排班…</p></section>;
  const [from, to] = hourRange(shifts.values(), date);
  const hours = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const span = (to - from) * 3_600_000;
  const origin = dayStart(date) + from * 3_600_000;
  const nowPct = ((serverNow() - origin) / span) * 100;
  return (
    <section class="timeline" aria-label="今日排班">
      <div class="timeline-head">
        <h2>今日排班（{date}）· {rows.length} 个岗位 · {shifts.size} 个班次</h2>
        <div class="tabs" role="group" aria-label="显示">
          <button type="button" aria-pressed={filter === 'all'} onClick={() => setFilter('all')}>全部</button>
          <button type="button" aria-pressed={filter === 'understaffed'} onClick={() => setFilter('understaffed')}>只看缺员</button>
        </div>
      </div>
      <Legend />
      <div class="axis" aria-hidden="true">
        <span class="post-name" />
        <div class="track">
          {hours.map((h) => (
            <span key={h} class={`tick${h % 2 ? ' odd' : ''}`} style={{ left: `${((h - from) / (to - from)) * 100}%` }}>{String(h).padStart(2, '0')}:00</span>
          ))}
        </div>
      </div>
      {rows.length === 0 && <p class="empty">今日没有班次。</p>}
      <ul class="posts">
        {rows.map((row) => (
          <Row key={row.id} row={row} signature={row.signature} origin={origin} span={span} nowPct={Math.round(nowPct * 10) / 10} />
        ))}
      </ul>
    </section>
  );
}

function Legend() {
  return (
    <p class="legend">
      <span class="swatch UNDERSTAFFED" aria-hidden="true" /> 缺员（低于最低人数）
      <span class="swatch STAFFED" aria-hidden="true" /> 已达最低
      <span class="swatch FULL" aria-hidden="true" /> 已满
      <span class="swatch checked" aria-hidden="true" /> 已签到
      <span class="swatch minimum" aria-hidden="true" /> 最低人数线
    </p>
  );
}

/** Lanes so that overlapping shifts of one post sit one above the other. */
function lanes(shifts: BoardShiftFragment[]): number[] {
  const ends: number[] = [];
  return shifts.map((s) => {
    const start = Date.parse(s.startsAt);
    let lane = ends.findIndex((end) => end <= start);
    if (lane < 0) lane = ends.push(0) - 1;
    ends[lane] = Date.parse(s.endsAt);
    return lane;
  });
}

const Row = memo(
  function Row({ row, origin, span, nowPct }: { row: PostRow; signature: string; origin: number; span: number; nowPct: number }) {
    const laneOf = lanes(row.shifts);
    const height = Math.max(...laneOf, 0) + 1;
    return (
      <li class="post">
        <div class="post-name">
          <strong>{row.name}</strong>
          <small>{row.siteName}</small>
        </div>
        <div class="track" style={{ height: `${height * 46}px` }}>
          {nowPct >= 0 && nowPct <= 100 && <span class="now" style={{ left: `${nowPct}%` }} aria-hidden="true" />}
          {row.shifts.map((s, i) => (
            <ShiftBar key={s.id} shift={s} lane={laneOf[i]!} origin={origin} span={span} />
          ))}
        </div>
      </li>
    );
  },
  (a, b) => a.signature === b.signature && a.origin === b.origin && a.span === b.span && a.nowPct === b.nowPct,
);

function ShiftBar({ shift: s, lane, origin, span }: { shift: BoardShiftFragment; lane: number; origin: number; span: number }) {
  const left = Math.max(0, ((Date.parse(s.startsAt) - origin) / span) * 100);
  const right = Math.min(100, ((Date.parse(s.endsAt) - origin) / span) * 100);
  const pct = (n: number) => `${s.capacity ? Math.min(100, (n / s.capacity) * 100) : 0}%`;
  const cancelled = s.status === 'CANCELLED';
  const label =
    `${s.post.name} ${hhmm(s.startsAt)}–${hhmm(s.endsAt)} ${s.role}：` +
    (cancelled ? '已取消' : `已排 ${s.assignedCount}/${s.capacity} 人，最低 ${s.minimum} 人，已签到 ${s.checkedInCount} 人，${STAFFING_TEXT[s.staffing]}`);
  return (
    <div
      class={`shift ${cancelled ? 'CANCELLED' : s.staffing}`}
      style={{ left: `${left}%`, width: `${Math.max(0.5, right - left)}%`, top: `${lane * 46}px` }}
      role="img"
      aria-label={label}
      title={label}
      data-shift={s.id}
      data-assigned={s.assignedCount}
      data-checked-in={s.checkedInCount}
      data-staffing={s.staffing}
      data-capacity={s.capacity}
    >
      <span class="fill" style={{ width: pct(s.assignedCount) }} />
      <span class="checked" style={{ width: pct(s.checkedInCount) }} />
      <span class="minimum" style={{ left: pct(s.minimum) }} />
      <span class="text">
        {hhmm(s.startsAt)} {s.role} {cancelled ? '已取消' : `${s.assignedCount}/${s.capacity} · 到${s.checkedInCount}`}
      </span>
    </div>
  );
}

function Understaffed(props: { shifts: BoardShiftFragment[]; total: number; session: Session; onAssigned: (shift: BoardShiftFragment) => void }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section class="understaffed" aria-label="缺员班次">
      <h2>
        缺员班次 <span class="count">{props.total}</span>
      </h2>
      {props.shifts.length === 0 && <p class="empty">今日没有缺员班次。</p>}
      <ul data-testid="understaffed-list">
        {props.shifts.map((s) => (
          <li key={s.id} data-shift={s.id}>
            <div class="what">
              <strong>{s.post.name}</strong> <small>{s.post.site.name}</small>
              <br />
              {hhmm(s.startsAt)}–{hhmm(s.endsAt)} {s.role} · 已排 {s.assignedCount} / 最低 {s.minimum} / 容量 {s.capacity}
            </div>
            {props.session.kind === 'login' && (
              <button type="button" aria-expanded={open === s.id} onClick={() => setOpen(open === s.id ? null : s.id)}>
                指派志愿者
              </button>
            )}
            {open === s.id && <AssignPanel shift={s} session={props.session} onAssigned={props.onAssigned} />}
          </li>
        ))}
      </ul>
      {props.total > props.shifts.length && <p class="more">另有 {props.total - props.shifts.length} 个缺员班次未列出。</p>}
    </section>
  );
}
