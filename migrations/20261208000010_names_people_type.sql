-- Names people type (PRODUCT.md): NFKC, no control, invisible or direction-changing
-- characters, and unique per guild by their normalised, case-folded form, so "Contoso",
-- "Con<U+200B>toso" and "Contoso<U+2060>" can no longer stand side by side and read alike.
--
-- The binary normalises every new name before it stores it (src/domain/text.rs). This
-- migration brings the names stored before that rule in line:
-- 1. Subscription and product names lose their hidden characters (the Cc, Cf, Zl and Zp
--    characters below: the Basic Multilingual Plane's and the tag characters) and are
--    NFKC-normalised and trimmed. A name left empty becomes "Subscription <id>" (or the
--    product's SKU).
-- 2. Subscriptions whose names now collide in one guild: the oldest (lowest id) keeps the
--    name; each later one is renamed "<name> (#<id>)", cut to fit 100 characters, so every
--    subscription stays, each under a name an admin can tell apart and type. Nothing else
--    about them changes (keys, ledger, licenses all refer to the id).
-- Batch labels are left as they were stored: a shop refers to a batch by the label it sent.

-- The one comparison form of a name: NFKC, lower case, NFKC again (lower case can undo
-- NFKC). The unique index and every lookup by name use it.
CREATE FUNCTION name_key(name text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT normalize(lower(normalize(name, NFKC)), NFKC) $$;

-- Hidden characters as stored before the rule, and the name without them.
CREATE FUNCTION pg_temp.clean_name(name text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    AS $$
    SELECT btrim(normalize(regexp_replace(name,
        '[\u0001-\u001F\u007F-\u009F\u00AD\u0600-\u0605\u061C\u06DD\u070F\u0890\u0891\u08E2\u180E\u200B-\u200F\u2028-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB\U000110BD\U000110CD\U00013430-\U0001343F\U0001BCA0-\U0001BCA3\U0001D173-\U0001D17A\U000E0001\U000E0020-\U000E007F]',
        '', 'g'), NFKC), E' \u1680')
    $$;

DROP INDEX subscriptions_guild_name;

UPDATE products
   SET name = coalesce(nullif(pg_temp.clean_name(name), ''), sku)
 WHERE name IS DISTINCT FROM pg_temp.clean_name(name);

UPDATE subscriptions
   SET name = coalesce(nullif(pg_temp.clean_name(name), ''), 'Subscription ' || id)
 WHERE name IS DISTINCT FROM pg_temp.clean_name(name);

UPDATE subscriptions s
   SET name = left(s.name, 100 - length(' (#' || s.id || ')')) || ' (#' || s.id || ')'
  FROM (SELECT id,
               row_number() OVER (PARTITION BY guild_id, name_key(name) ORDER BY id) AS nth
          FROM subscriptions) ranked
 WHERE ranked.id = s.id AND ranked.nth > 1;

-- A subscription's name is unique per guild by its normalised, case-folded form.
CREATE UNIQUE INDEX subscriptions_guild_name_key ON subscriptions (guild_id, name_key(name));

DROP FUNCTION pg_temp.clean_name(text);
