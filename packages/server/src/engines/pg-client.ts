import type pg from 'pg';

/** A client checked out of the pool, and how to give it back. */
export interface CheckedOut {
  client: pg.PoolClient;
  /** Gives the client back; a broken one (the server ended its session, or `broken`) is dropped. */
  release(broken?: boolean): void;
}

/**
 * Checks a client out of the pool. While it is out, an error the server sends between queries
 * (a restart ends every session: "terminating connection due to administrator command") is an
 * `error` event with no query to take it; unheard, it would end the process. Here it marks the
 * client broken, and the query that uses it next fails as any query does during an outage.
 */
export async function checkOut(pool: pg.Pool): Promise<CheckedOut> {
  const client = await pool.connect();
  let lost = false;
  const onError = (): void => {
    lost = true;
  };
  client.on('error', onError);
  return {
    client,
    release(broken = false) {
      client.off('error', onError);
      client.release(lost || broken);
    },
  };
}
