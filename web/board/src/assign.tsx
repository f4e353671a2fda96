import { useRef, useState } from 'preact/hooks';
import type { Session } from './api';
import { describeError } from './errors';
import { BoardAssignDocument, type BoardShiftFragment, BoardVolunteerSearchDocument } from './generated/graphql';
import { hhmm } from './time';

interface Found {
  id: string;
  name: string;
  homeSite: string;
}

/** One-click assignment for an understaffed shift: search a volunteer, then assignVolunteer; typed errors in words. */
export function AssignPanel({ shift, session, onAssigned }: { shift: BoardShiftFragment; session: Session; onAssigned: (shift: BoardShiftFragment) => void }) {
  const [term, setTerm] = useState('');
  const [found, setFound] = useState<Found[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const searchId = `search-${shift.id}`;
  const latest = useRef(0);

  async function search(event: Event) {
    event.preventDefault();
    const value = term.trim();
    if (!value) return;
    const mine = ++latest.current;
    setResult(null);
    try {
      const { volunteers } = await session.run(BoardVolunteerSearchDocument, { search: value });
      if (mine !== latest.current) return;
      setFound((volunteers?.edges ?? []).map((e) => ({ id: e.node.id, name: e.node.name, homeSite: e.node.homeSite.name })));
    } catch (e) {
      setResult({ ok: false, text: `搜索失败：${e instanceof Error ? e.message : String(e)}` });
    }
  }

  async function assign(volunteer: Found) {
    setBusy(true);
    setResult(null);
    try {
      const { assignVolunteer: r } = await session.run(BoardAssignDocument, { input: { shiftId: shift.id, volunteerId: volunteer.id } });
      if (r.__typename === 'AssignVolunteerPayload') {
        onAssigned(r.assignment.shift);
        setResult({
          ok: true,
          text:
            r.assignment.status === 'WAITLISTED'
              ? `班次已满，${volunteer.name} 已进入候补（第 ${r.assignment.waitlistPosition ?? '?'} 位）。`
              : `已指派 ${volunteer.name} 到 ${hhmm(shift.startsAt)} ${shift.post.name}。`,
        });
      } else {
        setResult({ ok: false, text: describeError(r as never) });
      }
    } catch (e) {
      setResult({ ok: false, text: `指派失败：${e instanceof Error ? e.message : String(e)}` });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="assign" data-testid="assign-panel">
      <form onSubmit={search} role="search">
        <label for={searchId}>搜索志愿者（姓名或拼音）</label>
        <div class="row">
          <input id={searchId} value={term} onInput={(e) => setTerm(e.currentTarget.value)} autocomplete="off" />
          <button type="submit">搜索</button>
        </div>
      </form>
      {found && (
        <ul class="found">
          {found.length === 0 && <li>没有找到志愿者。</li>}
          {found.map((v) => (
            <li key={v.id}>
              <button type="button" disabled={busy} onClick={() => assign(v)}>
                指派 {v.name}
                <small>（{v.homeSite}）</small>
              </button>
            </li>
          ))}
        </ul>
      )}
      {result && (
        <p class={result.ok ? 'ok' : 'error'} role={result.ok ? 'status' : 'alert'} data-testid="assign-result">
          {result.text}
        </p>
      )}
    </div>
  );
}
