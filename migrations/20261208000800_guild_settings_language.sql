-- The language an admin chose with `/settings language`, kept apart from `locale` (what
-- Discord says the server's preferred locale is), so that Discord reporting the preferred
-- locale again never undoes the admin's choice. NULL: none chosen, `locale` applies.
ALTER TABLE guild_settings ADD COLUMN language text
    CONSTRAINT guild_settings_language_check CHECK (language IS NULL OR length(language) BETWEEN 2 AND 10);
