import type { GraphiQLOptions } from 'graphql-yoga';
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { AppServices } from './context.js';
import { publicShiftWhere } from './roster/open-shifts.js';
import { ACTIVE_ASSIGNMENT_STATUSES } from './roster/service.js';
import { formatCalendarDate, shanghaiDateOf } from './roster/time.js';

/**
 * GraphiQL, served from the npm package `@graphql-yoga/render-graphiql` (no CDN: the page inlines
 * its scripts, styles and editor workers). It opens with one tab per example operation, each with
 * its Variables filled in from the database as it is now: today's date (Asia/Shanghai) for the
 * roster and a real shift and volunteer for the assignment.
 *
 * Subscriptions run over Server-Sent Events (distinct connections), so the Headers tab's
 * `Authorization` travels with them as with queries.
 */

const GUIDE = `# Welcome to the city volunteer service API.
# The Docs pane (book icon, top left) is the manual: every type and field is described there.
#
# 1. Run "Login" (this tab) with a demo account (npm start prints them in development), copy
#    tokens.accessToken, and put it in the Headers tab below:
#        { "Authorization": "Bearer <accessToken>" }
#    Without it you see the public view: sites, posts, recruiting projects, open shifts.
# 2. The next tabs: "TodaysRoster" (Variables: today's date), "AssignVolunteer" (Variables: a
#    real open shift and a free volunteer), and "LiveRoster", a subscription: run it, then change
#    the roster in another tab and watch the events arrive.
`;

const LOGIN_EXAMPLE = `${GUIDE}
mutation Login {
  login(input: { phone: "13800000001", password: "demo-admin-2026" }) {
    __typename
    ... on LoginPayload {
      tokens { accessToken accessTokenExpiresAt refreshToken }
    }
    ... on Error { message }
  }
}
`;

const SITES_EXAMPLE = `query Sites {
  sites(first: 5, filter: { level: INSTITUTE }) {
    totalCount
    edges {
      node {
        id
        name
        level
        children(first: 3) { totalCount edges { node { name level services } } }
      }
    }
  }
}
`;

const TODAYS_ROSTER_EXAMPLE = `# Today's shifts (the date is an Asia/Shanghai calendar day; see Variables).
query TodaysRoster($date: Date) {
  roster(filter: { date: $date }, first: 10) {
    totalCount
    edges {
      node {
        id
        role
        startsAt
        endsAt
        capacity
        assignedCount
        openSlots
        staffing
        post { name kind site { name } }
        project { title }
        assignments(first: 10) {
          edges { node { id status volunteer { id name } } }
        }
      }
    }
  }
}
`;

const ASSIGN_EXAMPLE = `# Puts a volunteer on a shift (needs a staff login in Headers). Variables hold an open shift
# and a volunteer free at that time; swap in ids from TodaysRoster.
mutation AssignVolunteer($shiftId: ID!, $volunteerId: ID!) {
  assignVolunteer(input: { shiftId: $shiftId, volunteerId: $volunteerId }) {
    __typename
    ... on AssignVolunteerPayload {
      assignment { id status waitlistPosition shift { assignedCount openSlots staffing } }
    }
    ... on DoubleBookingError { message conflictingStartsAt conflictingEndsAt }
    ... on Error { message }
  }
}
`;

const LIVE_ROSTER_EXAMPLE = `# Every roster change as it is committed. Run it, then assign someone in another tab.
subscription LiveRoster {
  rosterChanged {
    kind
    occurredAt
    shift { id role startsAt assignedCount openSlots staffing post { name } }
    volunteer { name }
  }
}
`;

/** Every example operation in one document (the hardening test checks they fit the limits). */
export const GRAPHIQL_EXAMPLES = [LOGIN_EXAMPLE, SITES_EXAMPLE, TODAYS_ROSTER_EXAMPLE, ASSIGN_EXAMPLE, LIVE_ROSTER_EXAMPLE].join('\n');

/** A shift open for sign-up that has not started, today if possible, and a volunteer free then. */
async function assignmentExample(services: AppServices, now: Date) {
  const shift = await services.prisma.shift.findFirst({
    where: { AND: [publicShiftWhere(services.prisma), { startsAt: { gt: now } }] },
    orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    select: { id: true, startsAt: true, endsAt: true },
  });
  if (!shift) return null;
  const volunteer = await services.prisma.volunteer.findFirst({
    where: {
      status: 'ACTIVE',
      assignments: {
        none: {
          status: { in: [...ACTIVE_ASSIGNMENT_STATUSES] },
          shift: { startsAt: { lt: shift.endsAt }, endsAt: { gt: shift.startsAt } },
        },
      },
    },
    orderBy: { id: 'asc' },
    select: { id: true },
  });
  if (!volunteer) return null;
  return { shiftId: encodeGlobalID('Shift', shift.id), volunteerId: encodeGlobalID('Volunteer', volunteer.id) };
}

const variables = (value: Record<string, unknown>) => JSON.stringify(value, null, 2);

/** GraphiQL's options for one page load: the example tabs with their Variables as of now. */
export async function graphiqlOptions(services: AppServices): Promise<GraphiQLOptions> {
  const now = services.clock.now();
  const assign = await assignmentExample(services, now);
  return {
    title: 'Volunteer service API',
    subscriptionsProtocol: 'SSE',
    // GraphiQL sends SSE subscriptions as GET requests, which CSRF prevention refuses without this.
    additionalHeaders: { 'x-graphql-yoga-csrf': 'graphiql' },
    defaultQuery: LOGIN_EXAMPLE,
    defaultTabs: [
      { query: LOGIN_EXAMPLE },
      { query: SITES_EXAMPLE },
      { query: TODAYS_ROSTER_EXAMPLE, variables: variables({ date: formatCalendarDate(shanghaiDateOf(now)) }) },
      {
        query: ASSIGN_EXAMPLE,
        variables: variables(assign ?? { shiftId: '<a Shift id from TodaysRoster>', volunteerId: '<a Volunteer id>' }),
      },
      { query: LIVE_ROSTER_EXAMPLE },
    ],
    defaultEditorToolsVisibility: 'variables',
  };
}
