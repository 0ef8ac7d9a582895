// Runs the Store contract against PostgreSQL, in a fresh schema of the test database.
import { createTestSchema } from '../../test/services.js';
import { storeContract } from './store.case.test.js';
import { createPostgresStore } from './store.postgres.js';

storeContract(
  'postgres',
  async () => {
    const schema = await createTestSchema();
    return {
      async open() {
        return createPostgresStore(schema.pool());
      },
      async destroy() {
        await schema.drop();
      },
    };
  },
  { concurrentInstances: true },
);
