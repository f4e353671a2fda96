import { builder } from '../builder.js';
import { whileSessionLasts } from '../auth/live-sessions.js';
import { forbidden } from '../auth/errors.js';
import type { Notification } from '../generated/prisma/client.js';
import { NotificationRef } from './schema.js';

builder.subscriptionField('myNotifications', (t) =>
  t.field({
    type: NotificationRef,
    description:
      'Each new notification of your own volunteer as it is made (as delivered in the app), in order; nobody else’s. Over graphql-ws or SSE. Ends when your session does.',
    authScopes: { authenticated: true },
    subscribe: (_root, _args, ctx) => {
      const volunteerId = ctx.viewer?.volunteerId;
      if (volunteerId == null) throw forbidden('Only an account with a volunteer receives notifications.');
      return whileSessionLasts(ctx, ctx.notifications.hub.listen(volunteerId));
    },
    resolve: (n: Notification) => n,
  }),
);
