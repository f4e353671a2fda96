import { type Client, createClient } from 'graphql-ws';
import { ApiError, type Session, WS_URL, payloadOf } from './api';
import {
  type BoardNumbersFragment,
  type BoardShiftFragment,
  BoardLiveDocument,
  BoardRenewConnectionDocument,
  BoardRosterChangedDocument,
  BoardRosterDocument,
  BoardShiftsDocument,
  BoardSnapshotDocument,
  type TypedDocumentString,
} from './generated/graphql';
import { throttledPaint } from './throttle';
import { dayStart, hhmmss, learnServerTime, serverNow, shanghaiDate } from './time';

/*
 * The live duty board of one site subtree, over graphql-ws:
 *
 *   1. `dutyBoard(siteId)` sends a snapshot (with its `sequence`) at once and after each change;
 *   2. from that sequence, `rosterChanged(filter: {siteId}, after: sequence)` follows every roster
 *      change with no gap, while today's roster loads over HTTP; shifts changed during the load
 *      are fetched again afterwards, so the timeline never keeps an older copy;
 *   3. the access token is renewed in-band (renewConnection) before it expires;
 *   4. when the connection drops the indicator says so at once; on reconnecting, both
 *      subscriptions start again from a fresh snapshot, so nothing is missed silently.
 *
 * Changes mark the state dirty; the page repaints at most once every REPAINT_MS.
 */

export type Connection = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface LogLine {
  at: number;
  text: string;
}

export interface BoardView {
  connection: Connection;
  numbers: BoardNumbersFragment | null;
  /** The Shanghai day the timeline shows. */
  date: string | null;
  /** Today's shifts by ID. */
  shifts: ReadonlyMap<string, BoardShiftFragment>;
  /** Connection events, newest last. */
  log: readonly LogLine[];
  /** Why the board stopped for good (credential refused); null while it runs. */
  fatal: string | null;
}

/** The shortest gap between two repaints. */
export const REPAINT_MS = 250;
/** After this many failed reconnects in a row, the indicator says offline (it keeps trying). */
const OFFLINE_AFTER_FAILURES = 3;
/** How often the numbers are re-read over HTTP, since "now" moves even when nothing changes. */
const REFRESH_NUMBERS_MS = 60_000;

export class LiveBoard {
  private client: Client | null = null;
  private epoch = 0;
  private stops: (() => void)[] = [];
  private failures = 0;
  private loadedOnce = false;
  private syncing = false;
  private buffered: BoardShiftFragment[] = [];
  private lastSequence = 0;
  private renewal: ReturnType<typeof setTimeout> | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;
  private listeners = new Set<() => void>();
  /** Changes mark the view dirty; listeners hear of it at most once every REPAINT_MS. */
  private repaint = throttledPaint(() => {
    for (const listener of this.listeners) listener();
  }, REPAINT_MS);
  private disposed = false;
  private socketOpen = false;

  view: BoardView = { connection: 'connecting', numbers: null, date: null, shifts: new Map(), log: [], fatal: null };

  constructor(
    private readonly session: Session,
    readonly siteId: string,
    private readonly onFatal: (message: string) => void,
  ) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.openClient();
    this.poll = setInterval(() => void this.refreshNumbers(), REFRESH_NUMBERS_MS);
    addEventListener('offline', this.wentOffline);
    addEventListener('online', this.cameOnline);
  }

  dispose(): void {
    this.disposed = true;
    this.epoch++;
    this.stopSubscriptions();
    clearTimeout(this.renewal);
    clearInterval(this.poll);
    clearTimeout(this.pongTimer);
    this.repaint.stop();
    removeEventListener('offline', this.wentOffline);
    removeEventListener('online', this.cameOnline);
    void this.client?.dispose();
    this.client = null;
  }

  private wentOffline = () => {
    this.setConnection('offline');
    this.note('网络已断开，恢复后将自动重连');
  };

  /** Back online: if the connection survived, it is live again; otherwise graphql-ws is reconnecting. */
  private cameOnline = () => {
    if (this.socketOpen && !this.syncing && this.loadedOnce) this.setConnection('live');
    else if (this.view.connection === 'offline') this.setConnection('reconnecting');
  };

  // ---- state and repaint ----------------------------------------------------------------

  private update(patch: Partial<BoardView>): void {
    this.view = { ...this.view, ...patch };
    this.repaint.schedule();
  }

  private setConnection(connection: Connection): void {
    if (this.view.connection !== connection) this.update({ connection });
  }

  private note(text: string): void {
    this.update({ log: [...this.view.log.slice(-19), { at: serverNow(), text }] });
  }

  // ---- the connection -------------------------------------------------------------------

  private openClient(): void {
    let socket: WebSocket | null = null;
    this.client = createClient({
      url: WS_URL,
      lazy: false,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      // About 1 s, 2 s, 4 s … up to 30 s, with jitter.
      retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1000 * 2 ** retries) + Math.random() * 500)),
      keepAlive: 10_000,
      connectionParams: async () => {
        try {
          return { authorization: await this.session.authorization() };
        } catch (error) {
          this.fail(error instanceof ApiError ? error.message : '登录已过期，请重新登录。');
          throw error;
        }
      },
      on: {
        connected: (s, _payload, wasRetry) => {
          socket = s as WebSocket;
          this.socketOpen = true;
          this.failures = 0;
          void this.synchronise(wasRetry);
        },
        // A ping without a pong within 5 s: the connection is dead; close it and reconnect.
        ping: (received) => {
          if (received) return;
          this.pongTimer = setTimeout(() => socket?.readyState === WebSocket.OPEN && socket.close(4408, 'Request Timeout'), 5_000);
        },
        pong: (received) => {
          if (received) clearTimeout(this.pongTimer);
        },
        closed: (event) => {
          socket = null;
          this.socketOpen = false;
          clearTimeout(this.pongTimer);
          clearTimeout(this.renewal);
          if (this.disposed) return;
          // The old subscriptions would be re-sent as first sent (an old `after`): start afresh instead.
          this.epoch++;
          this.stopSubscriptions();
          this.syncing = false;
          const code = (event as CloseEvent | undefined)?.code;
          if (code === 4401) return void this.credentialRefused();
          this.failures++;
          this.setConnection(this.failures > OFFLINE_AFTER_FAILURES || !navigator.onLine ? 'offline' : 'reconnecting');
          if (this.failures === 1) this.note('连接中断，正在重连…');
        },
      },
      onNonLazyError: (error) => {
        if ((error as CloseEvent | undefined)?.code === 4401) void this.credentialRefused();
        else this.fail('连接失败，请刷新页面重试。');
      },
    });
  }

  /** A 4401: the credential ended. A login tries its refresh token once; a board credential is refused for good. */
  private async credentialRefused(): Promise<void> {
    // graphql-ws reports a 4401 twice (the close, then the client's own error): act once.
    if (this.disposed || !this.client) return;
    void this.client.dispose();
    this.client = null;
    if (this.session.kind === 'board') return this.fail('看板凭证无效或已被撤销，请重新输入。');
    try {
      await this.session.refresh();
      this.setConnection('reconnecting');
      this.note('登录凭证已更新，正在重连…');
      this.openClient();
    } catch {
      this.fail('登录已过期，请重新登录。');
    }
  }

  private fail(message: string): void {
    if (this.view.fatal) return;
    this.update({ fatal: message, connection: 'offline' });
    this.onFatal(message);
  }

  private stopSubscriptions(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  /** Runs a subscription on the current connection for this epoch; its data is dropped once the epoch ends. */
  private follow<R, V>(document: TypedDocumentString<R, V>, variables: V, epoch: number, onData: (data: R) => void, onError: (error: unknown) => void) {
    if (!this.client) return;
    const stop = this.client.subscribe<R>(payloadOf(document, variables, true) as never, {
      next: ({ data }) => {
        if (epoch === this.epoch && data) onData(data);
      },
      error: (error) => {
        if (epoch === this.epoch) onError(error);
      },
      complete: () => {},
    });
    this.stops.push(stop);
  }

  // ---- snapshot and live changes -----------------------------------------------------------

  /** (Re)starts both subscriptions from a fresh snapshot; the indicator goes live once the roster is in. */
  private async synchronise(wasRetry: boolean): Promise<void> {
    const epoch = ++this.epoch;
    this.stopSubscriptions();
    if (this.loadedOnce) this.setConnection('reconnecting');
    this.scheduleRenewal();
    let first = true;
    this.follow(BoardLiveDocument, { siteId: this.siteId }, epoch, (data) => {
      const numbers = data.dutyBoard;
      this.applyNumbers(numbers);
      if (first) {
        first = false;
        void this.loadRoster(epoch, numbers, wasRetry);
      } else if (!this.syncing && shanghaiDate(Date.parse(numbers.generatedAt)) !== this.view.date) {
        // A new Shanghai day: the timeline shows the new day's roster.
        void this.resynchronise();
      }
    }, (error) => this.subscriptionFailed(error));
  }

  /** Starts over on the open connection (a new day, or the roster stream could not resume). */
  private async resynchronise(): Promise<void> {
    if (!this.client || this.disposed) return;
    await this.synchronise(true);
  }

  /** A subscription ended with an error: the connection closed (`closed` handles that), or the server refused it. */
  private subscriptionFailed(error: unknown): void {
    if (!Array.isArray(error)) return;
    const first = (error[0] ?? {}) as { message?: string; extensions?: { code?: string } };
    const code = first.extensions?.code;
    if (code === 'FORBIDDEN') return this.fail('无权查看该站点的值班看板。');
    if (code === 'NOT_FOUND') return this.fail('找不到该站点。');
    if (code === 'UNAUTHENTICATED') return; // the server closes with 4401 next
    const epoch = this.epoch;
    if (code === 'EVENTS_EXPIRED') {
      // Too far behind to resume: start again from a fresh snapshot.
      this.note('变更记录已过期，正在重新加载…');
      return void this.resynchronise();
    }
    this.note(`订阅中断（${first.message ?? code ?? '未知原因'}），稍后重新同步`);
    setTimeout(() => epoch === this.epoch && void this.resynchronise(), 3_000);
  }

  private applyNumbers(numbers: BoardNumbersFragment): void {
    const current = this.view.numbers;
    if (current && numbers.sequence < current.sequence && Date.parse(numbers.generatedAt) < Date.parse(current.generatedAt)) return;
    learnServerTime(numbers.generatedAt);
    this.update({ numbers });
  }

  private async loadRoster(epoch: number, numbers: BoardNumbersFragment, wasRetry: boolean): Promise<void> {
    const date = shanghaiDate(Date.parse(numbers.generatedAt));
    this.syncing = true;
    this.buffered = [];
    this.follow(BoardRosterChangedDocument, { siteId: this.siteId, after: String(numbers.sequence) }, epoch, (data) => {
      const event = data.rosterChanged;
      this.lastSequence = event.sequence;
      if (!event.shift) return;
      if (this.syncing) this.buffered.push(event.shift);
      else this.applyShifts([event.shift], date);
    }, (error) => this.subscriptionFailed(error));
    try {
      const shifts = new Map<string, BoardShiftFragment>();
      let after: string | null = null;
      for (;;) {
        const page: Awaited<ReturnType<typeof this.rosterPage>> = await this.rosterPage(date, after);
        if (epoch !== this.epoch) return;
        for (const edge of page.edges) shifts.set(edge.node.id, edge.node);
        if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
        after = page.pageInfo.endCursor;
      }
      this.update({ shifts, date });
      // Shifts that changed while the roster loaded: read them again, until none is left.
      while (this.buffered.length) {
        const ids = [...new Set(this.buffered.map((s) => s.id))];
        this.buffered = [];
        for (let i = 0; i < ids.length; i += 100) {
          const { nodes } = await this.session.run(BoardShiftsDocument, { ids: ids.slice(i, i + 100) });
          if (epoch !== this.epoch) return;
          this.applyShifts(nodes.filter((n): n is BoardShiftFragment & { __typename: 'Shift' } => n?.__typename === 'Shift'), date);
        }
      }
      this.syncing = false;
      this.loadedOnce = true;
      this.setConnection('live');
      this.note(wasRetry ? '已重新连接，数据已同步' : '已连接，实时更新中');
    } catch (error) {
      if (epoch !== this.epoch) return;
      this.syncing = false;
      this.note(`加载排班失败：${error instanceof Error ? error.message : String(error)}，稍后重试`);
      setTimeout(() => epoch === this.epoch && void this.resynchronise(), 3_000);
    }
  }

  private async rosterPage(date: string, after: string | null) {
    const { roster } = await this.session.run(BoardRosterDocument, { siteId: this.siteId, date, after });
    return roster;
  }

  /** Puts shifts as they are now on the timeline (or takes them off when they moved to another day). */
  applyShifts(shifts: readonly BoardShiftFragment[], date = this.view.date): void {
    if (!date || !shifts.length) return;
    const start = dayStart(date);
    const end = start + 86_400_000;
    const next = new Map(this.view.shifts);
    for (const shift of shifts) {
      const today = Date.parse(shift.startsAt) < end && Date.parse(shift.endsAt) > start;
      if (today) next.set(shift.id, shift);
      else next.delete(shift.id);
    }
    this.update({ shifts: next });
  }

  /** Re-reads the numbers over HTTP (expected-now moves with the clock even without changes). */
  private async refreshNumbers(): Promise<void> {
    if (this.view.connection !== 'live') return;
    try {
      const { dutyBoard } = await this.session.run(BoardSnapshotDocument, { siteId: this.siteId });
      if (dutyBoard && dutyBoard.sequence >= (this.view.numbers?.sequence ?? 0)) this.applyNumbers(dutyBoard);
    } catch {
      // the live stream goes on; the next poll tries again
    }
  }

  // ---- token renewal ------------------------------------------------------------------------

  /** Renews the connection's token in-band when about 80% of its lifetime has passed. */
  private scheduleRenewal(): void {
    clearTimeout(this.renewal);
    if (this.session.kind !== 'login') return;
    const delay = Math.max(5_000, this.session.remainingMs() * 0.8);
    this.renewal = setTimeout(() => void this.renew(), Math.min(delay, 2 ** 31 - 1));
  }

  private async renew(): Promise<void> {
    try {
      await this.session.refresh();
      const accessToken = (this.session.credential as { tokens: { accessToken: string } }).tokens.accessToken;
      const result = await this.once(BoardRenewConnectionDocument, { accessToken });
      if (result.renewConnection.__typename !== 'RenewConnectionPayload') throw new Error('renewal refused');
      const until = result.renewConnection.expiresAt;
      this.note(`登录凭证已续期${until ? `（有效至 ${hhmmss(Date.parse(until))}）` : ''}`);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'SESSION_ENDED') return this.fail(error.message);
      // The connection closes when the old token expires and reconnects with the new one.
      this.note('续期未成功，稍后重试');
    }
    this.scheduleRenewal();
  }

  /** Runs one operation on the open connection. */
  private once<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R> {
    return new Promise((resolve, reject) => {
      if (!this.client) return reject(new Error('not connected'));
      this.client.subscribe<R>(payloadOf(document, variables, true) as never, {
        next: ({ data, errors }) => (data ? resolve(data as R) : reject(new Error(errors?.[0]?.message ?? 'failed'))),
        error: reject,
        complete: () => {},
      });
    });
  }
}
