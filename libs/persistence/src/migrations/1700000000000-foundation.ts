import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1700000000000 implements MigrationInterface {
  name = 'Foundation1700000000000';

  async up(q: QueryRunner): Promise<void> {
    // Search needs these contrib extensions (PostgreSQL 15 ships them; no PostGIS needed).
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS cube`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS earthdistance`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);

    // unaccent() is only STABLE; an IMMUTABLE wrapper lets indexes use it.
    await q.query(`CREATE OR REPLACE FUNCTION immutable_unaccent(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT public.unaccent('public.unaccent', $1) $$`);

    await q.query(`CREATE TABLE accounts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL UNIQUE,
      password_hash text NOT NULL,
      role text NOT NULL CHECK (role IN ('buyer','supplier','company','admin')),
      display_name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);

    await q.query(`CREATE TABLE communes (
      code varchar(5) PRIMARY KEY,
      name text NOT NULL,
      type text NOT NULL,
      department varchar(3) NOT NULL,
      region varchar(3) NOT NULL,
      post_codes text[] NOT NULL DEFAULT '{}',
      population integer,
      lat double precision NOT NULL,
      lon double precision NOT NULL)`);
    await q.query(`CREATE INDEX communes_name_search ON communes (lower(immutable_unaccent(name)) text_pattern_ops)`);
    await q.query(`CREATE INDEX communes_post_codes ON communes USING gin (post_codes)`);

    await q.query(`CREATE TABLE structures (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      siret varchar(14) NOT NULL,
      siren varchar(9) NOT NULL,
      name text NOT NULL,
      brand text,
      kind text NOT NULL CHECK (kind IN ('EI','ACI','AI','ETTI','EITI','GEIQ','EA','EATT','ESAT','COMPANY')),
      naf text,
      address text,
      post_code text,
      city text,
      commune_code varchar(5) REFERENCES communes(code),
      department varchar(3),
      region varchar(3),
      lat double precision,
      lon double precision,
      intervention_area jsonb NOT NULL,
      intervention_area_is_default boolean NOT NULL DEFAULT false,
      sectors jsonb NOT NULL DEFAULT '[]',
      prestation_types text[] NOT NULL DEFAULT '{}',
      description text,
      offers jsonb NOT NULL DEFAULT '[]',
      client_references jsonb NOT NULL DEFAULT '[]',
      capacity jsonb NOT NULL DEFAULT '{}',
      labels text[] NOT NULL DEFAULT '{}',
      networks text[] NOT NULL DEFAULT '{}',
      contact jsonb NOT NULL DEFAULT '{}',
      open_to_co_contracting boolean NOT NULL DEFAULT false,
      source text NOT NULL CHECK (source IN ('register','self','demo')),
      flags text[] NOT NULL DEFAULT '{}',
      owner_id uuid REFERENCES accounts(id),
      delisted_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1)`);
    await q.query(`CREATE UNIQUE INDEX structures_siret ON structures (siret)`);
    await q.query(`CREATE INDEX structures_owner ON structures (owner_id)`);
    await q.query(`CREATE INDEX structures_commune ON structures (commune_code)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE structures`);
    await q.query(`DROP TABLE communes`);
    await q.query(`DROP TABLE accounts`);
    await q.query(`DROP FUNCTION immutable_unaccent(text)`);
  }
}
