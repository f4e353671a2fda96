import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, type Credential, Session, gql } from './api';
import { describeLoginError } from './errors';
import {
  BoardChildSitesDocument,
  BoardLoginDocument,
  BoardLogoutDocument,
  BoardSitesDocument,
  BoardViewerDocument,
  type SiteLevel,
} from './generated/graphql';
import { LiveBoard } from './live';
import { BoardScreen } from './board';

/*
 * The page: a login (staff phone and password, or a wall screen's board credential), then the
 * choice of site, then the live board. Credentials stay in memory; the chosen site is in the
 * URL's hash (#site=<id>), which is not secret, so a wall screen can be bookmarked to its site.
 */

export interface SiteOption {
  id: string;
  name: string;
  level: SiteLevel;
  parentName?: string | null;
}

const LEVELS: Record<SiteLevel, string> = { CENTER: '中心', INSTITUTE: '所', STATION: '站' };
export const levelName = (level: SiteLevel) => LEVELS[level] ?? level;

const hashSite = () => new URLSearchParams(location.hash.slice(1)).get('site');

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const signOut = (message: string | null) => {
    setSession(null);
    setNotice(message);
  };
  if (!session) return <Login notice={notice} onSignedIn={(credential) => { setNotice(null); setSession(new Session(credential)); }} />;
  return <Signed session={session} onSignOut={signOut} />;
}

function Login({ notice, onSignedIn }: { notice: string | null; onSignedIn: (credential: Credential) => void }) {
  const [mode, setMode] = useState<'staff' | 'board'>('staff');
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      if (mode === 'board') {
        const value = token.trim();
        if (!/^vbc_\d+_[A-Za-z0-9_-]{43}$/.test(value)) {
          setError('看板凭证的格式不对：应以 vbc_ 开头。');
          return;
        }
        onSignedIn({ kind: 'board', token: value });
        return;
      }
      const { login } = await gql(BoardLoginDocument, { input: { phone: phone.trim(), password } });
      if (login.__typename === 'LoginPayload') onSignedIn({ kind: 'login', tokens: login.tokens });
      else setError(describeLoginError(login));
    } catch (e) {
      setError(`无法连接服务器：${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="login">
      <h1>志愿服务值班看板</h1>
      {notice && <p class="notice" role="alert">{notice}</p>}
      <div class="tabs" role="group" aria-label="登录方式">
        <button type="button" aria-pressed={mode === 'staff'} onClick={() => setMode('staff')}>工作人员登录</button>
        <button type="button" aria-pressed={mode === 'board'} onClick={() => setMode('board')}>看板凭证（大屏）</button>
      </div>
      <form onSubmit={submit} aria-label={mode === 'staff' ? '工作人员登录' : '看板凭证登录'}>
        {mode === 'staff' ? (
          <>
            <label for="phone">手机号</label>
            <input id="phone" name="phone" type="tel" autocomplete="username" required value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
            <label for="password">密码</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
            <p class="hint">站点管理员或管理员账号。登录信息只保存在本页内存中，并会在到期前自动续期。</p>
          </>
        ) : (
          <>
            <label for="board-token">看板凭证</label>
            <input id="board-token" name="board-token" type="password" autocomplete="off" required value={token} onInput={(e) => setToken(e.currentTarget.value)} placeholder="vbc_…" />
            <p class="hint">由站点管理员创建（createBoardCredential），只读，适合无人值守的大屏。</p>
          </>
        )}
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" class="primary" disabled={busy}>{busy ? '正在登录…' : '进入看板'}</button>
      </form>
    </main>
  );
}

/** The sites a signed-in account may pick: an admin the center and its institutes; a manager their sites and the ones just below. */
async function siteOptions(session: Session): Promise<SiteOption[]> {
  const option = (n: { id: string; name: string; level: SiteLevel; parent?: { name: string } | null }): SiteOption => ({
    id: n.id,
    name: n.name,
    level: n.level,
    parentName: n.parent?.name ?? null,
  });
  if (session.kind === 'board') return [];
  const { viewer } = await session.run(BoardViewerDocument, {});
  if (!viewer) throw new ApiError('登录已失效，请重新登录。');
  const options: SiteOption[] = [];
  if (viewer.roles.includes('ADMIN')) {
    for (const level of ['CENTER', 'INSTITUTE'] as const) {
      const { sites } = await session.run(BoardSitesDocument, { filter: { level }, first: 100 });
      options.push(...sites.edges.map((e) => option(e.node)));
    }
    return options;
  }
  for (const site of viewer.managedSites) {
    options.push({ id: site.id, name: site.name, level: site.level });
    const { site: found } = await session.run(BoardChildSitesDocument, { id: site.id });
    options.push(...(found?.children.edges ?? []).map((e) => option(e.node)));
  }
  return options.filter((o, i) => options.findIndex((p) => p.id === o.id) === i);
}

function Signed({ session, onSignOut }: { session: Session; onSignOut: (message: string | null) => void }) {
  const [options, setOptions] = useState<SiteOption[] | null>(null);
  const [siteId, setSiteId] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    siteOptions(session)
      .then((found) => {
        if (!live) return;
        setOptions(found);
        const wanted = hashSite();
        if (session.kind === 'board') setSiteId(wanted);
        else if (!found.length) setProblem('该账号没有可查看的站点（需要站点管理员或管理员）。');
        else setSiteId(found.some((o) => o.id === wanted) ? wanted : found[0]!.id);
      })
      .catch((e) => live && setProblem(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [session]);

  const choose = (id: string) => {
    history.replaceState(null, '', `#site=${encodeURIComponent(id)}`);
    setSiteId(id);
  };

  async function logOut() {
    if (session.kind === 'login') await session.run(BoardLogoutDocument, {}).catch(() => {});
    history.replaceState(null, '', location.pathname);
    onSignOut(null);
  }

  if (problem) {
    return (
      <main class="login">
        <p class="error" role="alert">{problem}</p>
        <button type="button" onClick={logOut}>返回登录</button>
      </main>
    );
  }
  if (!options) return <p class="boot" role="status">正在读取站点…</p>;
  if (!siteId) return <SitePicker onChoose={choose} onLogOut={logOut} />;
  return <LiveScreen key={siteId} session={session} siteId={siteId} options={options} onChoose={choose} onLogOut={logOut} onSignOut={onSignOut} />;
}

/** For a board credential: find the site the screen shows (the credential covers it and everything below). */
function SitePicker({ onChoose, onLogOut }: { onChoose: (id: string) => void; onLogOut: () => void }) {
  const [term, setTerm] = useState('');
  const [found, setFound] = useState<SiteOption[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function search(event: Event) {
    event.preventDefault();
    setError(null);
    try {
      const { sites } = await gql(BoardSitesDocument, { filter: { search: term.trim() }, first: 20 });
      setFound(sites.edges.map((e) => ({ id: e.node.id, name: e.node.name, level: e.node.level, parentName: e.node.parent?.name })));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }
  return (
    <main class="login">
      <h1>选择看板站点</h1>
      <form onSubmit={search}>
        <label for="site-search">站点名称</label>
        <input id="site-search" value={term} onInput={(e) => setTerm(e.currentTarget.value)} required />
        <button type="submit" class="primary">查找</button>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {found && (
        <ul class="choices">
          {found.length === 0 && <li>没有找到站点。</li>}
          {found.map((s) => (
            <li key={s.id}>
              <button type="button" onClick={() => onChoose(s.id)}>
                {s.name}（{levelName(s.level)}{s.parentName ? ` · ${s.parentName}` : ''}）
              </button>
            </li>
          ))}
        </ul>
      )}
      <button type="button" onClick={onLogOut}>返回登录</button>
    </main>
  );
}

function LiveScreen(props: {
  session: Session;
  siteId: string;
  options: SiteOption[];
  onChoose: (id: string) => void;
  onLogOut: () => void;
  onSignOut: (message: string | null) => void;
}) {
  const board = useMemo(() => new LiveBoard(props.session, props.siteId, (message) => props.onSignOut(message)), [props.session, props.siteId]);
  const [view, setView] = useState(board.view);
  useEffect(() => {
    const unsubscribe = board.subscribe(() => setView(board.view));
    board.start();
    return () => {
      unsubscribe();
      board.dispose();
    };
  }, [board]);
  return <BoardScreen view={view} board={board} session={props.session} options={props.options} onChoose={props.onChoose} onLogOut={props.onLogOut} />;
}
