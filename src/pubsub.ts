import { createPubSub } from 'graphql-yoga';

/**
 * What the roster publishes after a transaction commits. Events carry ids only; subscribers
 * re-load the records through Prisma selections, so each sees current data in its own shape.
 */
export interface RosterEventMessage {
  kind: string;
  occurredAt: string;
  shiftId: number;
  assignmentId: number | null;
  volunteerId: number | null;
  /** Materialised path of the shift's post's site, for "this site and below" matching. */
  sitePath: string;
  postId: number;
  projectId: number;
}

export type PubSubTopics = {
  rosterChanged: [RosterEventMessage];
};

export type PubSub = ReturnType<typeof createAppPubSub>;

/** The one pubsub of a server instance. In memory for now; Redis fan-out arrives with issue #4. */
export function createAppPubSub() {
  return createPubSub<PubSubTopics>();
}
