/**
 * What GraphiQL opens with: example operations, and how to authenticate. Subscriptions run over
 * WebSocket (graphql-ws); the Headers tab's Authorization is sent as connectionParams too.
 */
export const GRAPHIQL_EXAMPLES = `# Welcome to the city volunteer service API.
# The Docs pane (book icon, top left) is the manual: every type and field is described there.
#
# 1. Run "Login" with a demo account (npm start prints them in development), copy
#    tokens.accessToken, and put it in the Headers tab below:
#        { "Authorization": "Bearer <accessToken>" }
#    Without it you see the public view: sites, posts, recruiting projects, open shifts.
# 2. Run "TodaysRoster", then "AssignVolunteer" with ids from it.
# 3. Run "LiveRoster" in a second tab and watch events arrive as you change the roster.

mutation Login {
  login(input: { phone: "13800000001", password: "demo-admin-2026" }) {
    __typename
    ... on LoginPayload {
      tokens { accessToken accessTokenExpiresAt refreshToken }
    }
    ... on Error { message }
  }
}

query Sites {
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

subscription LiveRoster {
  rosterChanged {
    kind
    occurredAt
    shift { id role startsAt assignedCount openSlots staffing post { name } }
    volunteer { name }
  }
}
`;
