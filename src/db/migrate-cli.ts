// npm run db:migrate — applies pending migrations to DATABASE_URL, or to the embedded database.
import { openDatabase } from './index.js';
import { migrate } from './migrate.js';

const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir: process.env.DATA_DIR || './.data' });
try {
  const applied = await migrate(db.sql);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
} finally {
  await db.close();
}
