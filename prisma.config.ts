import { defineConfig } from 'prisma/config';

// Prisma 7 reads its settings from here. Migrations are applied by src/db/migrate.ts
// (the native schema engine cannot be downloaded on our machines), but `prisma migrate status`
// on a machine that has the engine agrees with it, because it writes the same _prisma_migrations rows.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations', seed: 'tsx src/seed/cli.ts' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
});
