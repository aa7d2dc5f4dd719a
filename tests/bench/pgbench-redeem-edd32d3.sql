SELECT order_id, guild_id, user_id, sub_id FROM bench_pgbench_queue
 WHERE n = (SELECT nextval('bench_pgbench_seq')) \gset q_
BEGIN;
SELECT id, guild_id, user_id, subscription_id, kind, state, locale,
       created_at, expires_at, closed_at
  FROM orders WHERE guild_id = :q_guild_id AND id = :q_order_id
  FOR UPDATE;
SELECT s.id, s.guild_id, s.product_sku, s.name, s.seats, s.ends_on,
       p.name AS product_name, p.max_seats
  FROM subscriptions s JOIN products p ON p.sku = s.product_sku
  WHERE s.guild_id = :q_guild_id AND s.id = :q_sub_id
  FOR UPDATE OF s \gset s_
SELECT k.id FROM product_keys k
  WHERE k.id IN (SELECT key_id FROM order_keys WHERE order_id = :q_order_id)
  ORDER BY k.id
  FOR UPDATE \gset k_
SELECT ok.position, k.id, k.tail, k.product_sku, p.name AS product_name, k.seats,
       k.term_count, k.term_unit, k.expires_on, k.batch, k.state, k.created_at,
       r.user_id AS "redeemed_user?", r.guild_id AS "redeemed_guild?",
       r.redeemed_at AS "redeemed_at?"
  FROM order_keys ok
  JOIN product_keys k ON k.id = ok.key_id
  JOIN products p ON p.sku = k.product_sku
  LEFT JOIN redemption_keys rk ON rk.key_id = k.id
  LEFT JOIN redemptions r ON r.id = rk.redemption_id
  WHERE ok.order_id = :q_order_id
  ORDER BY ok.position;
\set seats_after :s_seats + 1
WITH subscription AS (
       UPDATE subscriptions SET seats = :seats_after, ends_on = :s_ends_on, updated_at = now()
       WHERE guild_id = :q_guild_id AND id = :q_sub_id),
     marked AS (
       UPDATE product_keys SET state = 'redeemed', redeemed_at = now()
       WHERE id = ANY(ARRAY[:k_id]::bigint[]) AND state = 'available'
       RETURNING id, seats, term_count, term_unit),
     redemption AS (
       INSERT INTO redemptions (order_id, guild_id, user_id, subscription_id, kind,
           seats_before, seats_after, ends_before, ends_after, key_count, redeemed_at)
       VALUES (:q_order_id, :q_guild_id, :q_user_id, :q_sub_id, 'add-licenses',
           :s_seats, :seats_after, :s_ends_on, :s_ends_on, 1, now())
       RETURNING id),
     ledger_keys AS (
       INSERT INTO redemption_keys (redemption_id, key_id, seats, term_count, term_unit)
       SELECT redemption.id, marked.id, marked.seats, marked.term_count, marked.term_unit
       FROM redemption, marked),
     closed AS (
       UPDATE orders
       SET state = 'redeemed', closed_at = now(), application_id = NULL, review_token = NULL
       WHERE id = :q_order_id AND state = 'open')
SELECT redemption.id AS id, (SELECT count(*) FROM marked) AS marked
  FROM redemption \gset r_
INSERT INTO notices (guild_id, dedupe_key, kind, body, nonce)
  VALUES (:q_guild_id, 'redemption:' || :r_id, 'redemption',
          '{"type":"redemption","user":123456789012345678,"subscription":"Contoso","kind":"add-licenses","seats_before":10,"seats_after":11,"ends_before":"2027-12-31","ends_after":"2027-12-31","keys":1}',
          'pgbench' || :r_id)
  ON CONFLICT (dedupe_key) DO NOTHING;
COMMIT;
