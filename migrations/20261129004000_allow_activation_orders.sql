-- Orders of kind 'activate': a customer starts a subscription with product keys. Until it is
-- redeemed, such an order has no subscription: it names the subscription it would start and
-- the product of its keys (its first key's). Its redemption has no "before": the
-- subscription did not exist.

ALTER TABLE orders
    ALTER COLUMN subscription_id DROP NOT NULL,
    ADD COLUMN new_name text CHECK (length(new_name) BETWEEN 1 AND 100),
    ADD COLUMN product_sku text REFERENCES products (sku),
    DROP CONSTRAINT orders_kind_check,
    ADD CONSTRAINT orders_kind_check CHECK (kind IN ('add-licenses', 'extend', 'activate')),
    -- Exactly one of: the subscription (add-licenses, extend), or the new subscription's
    -- name and product (activate).
    ADD CONSTRAINT orders_target_check CHECK (
        CASE WHEN kind = 'activate'
             THEN subscription_id IS NULL AND new_name IS NOT NULL AND product_sku IS NOT NULL
             ELSE subscription_id IS NOT NULL AND new_name IS NULL AND product_sku IS NULL
        END);

ALTER TABLE redemptions
    ALTER COLUMN seats_before DROP NOT NULL,
    ALTER COLUMN ends_before DROP NOT NULL,
    DROP CONSTRAINT redemptions_kind_check,
    ADD CONSTRAINT redemptions_kind_check CHECK (kind IN ('add-licenses', 'extend', 'activate')),
    -- An activation has no "before"; every other redemption has both.
    ADD CONSTRAINT redemptions_before_check CHECK (
        CASE WHEN kind = 'activate'
             THEN seats_before IS NULL AND ends_before IS NULL
             ELSE seats_before IS NOT NULL AND ends_before IS NOT NULL
        END),
    ADD CONSTRAINT redemptions_seats_after_positive CHECK (seats_after > 0);
