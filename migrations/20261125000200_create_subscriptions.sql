-- A guild's instances of products, and each guild's settings. Every tenant row carries its guild.

CREATE TABLE subscriptions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id     bigint NOT NULL,
    product_sku  text NOT NULL REFERENCES products (sku),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    seats        integer NOT NULL CHECK (seats > 0),
    ends_on      date NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    -- lets (guild_id, id) be the target of composite foreign keys below
    UNIQUE (guild_id, id)
);

-- A subscription's name is unique per guild, case-insensitively (names are typed by hand).
CREATE UNIQUE INDEX subscriptions_guild_name ON subscriptions (guild_id, lower(name));

CREATE TABLE guild_settings (
    guild_id           bigint PRIMARY KEY,
    notice_channel_id  bigint,
    manager_role_id    bigint,
    locale             text NOT NULL DEFAULT 'en-US' CHECK (locale IN ('en-US', 'nl')),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
