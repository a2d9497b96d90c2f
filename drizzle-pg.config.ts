// The team database (PostgreSQL): same columns as the local index (src/db/team-schema.ts builds
// them from src/db/schema.ts), its own migrations folder. `npm run db:generate` runs both configs.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/team-schema.ts',
  out: process.env.DRIZZLE_OUT ?? './migrations-pg',
});
