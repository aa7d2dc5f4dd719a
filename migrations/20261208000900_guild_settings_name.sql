-- The server's name as Discord last told it (on joining, or on each connection), for the
-- operator's `guilds list`. NULL: not known (HTTP interactions mode never hears it).
ALTER TABLE guild_settings ADD COLUMN name text
    CONSTRAINT guild_settings_name_check CHECK (name IS NULL OR length(name) <= 200);
