-- licensebot now speaks eight languages (PRODUCT.md, Language): a guild's notices can be
-- written in German, French, Spanish (Spain), Brazilian Portuguese, Italian and Polish
-- besides English and Dutch. The column keeps Discord's locale codes; the CHECK that
-- allowed only en-US and nl (created inline, so PostgreSQL named it
-- guild_settings_locale_check) is replaced under the same name.
ALTER TABLE guild_settings DROP CONSTRAINT guild_settings_locale_check;
ALTER TABLE guild_settings ADD CONSTRAINT guild_settings_locale_check
    CHECK (locale IN ('en-US', 'nl', 'de', 'fr', 'es-ES', 'pt-BR', 'it', 'pl'));
