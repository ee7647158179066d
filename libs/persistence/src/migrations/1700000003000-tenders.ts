import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenders (issue 4): tenders, their lots (work packages inside the lot row), holders of awarded contracts
 * imported from DECP, and what the candidates search needs on structures.
 *
 * Work packages are a jsonb array on their lot: they are always read and replaced with the lot, nothing
 * references them by foreign key (proposals and bids name them by (tender, lot number, code)), and their
 * codes are checked unique per lot by the service.
 */
export class Tenders1700000003000 implements MigrationInterface {
  name = 'Tenders1700000003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE tenders (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner_id uuid REFERENCES accounts(id),
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','published','closed')),
      source text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual','decp-2019','decp-2022')),
      external_id text,
      title text NOT NULL,
      description text,
      buyer jsonb NOT NULL,
      cpv_codes text[] NOT NULL DEFAULT '{}',
      execution_commune_code varchar(5) REFERENCES communes(code),
      execution_department varchar(3),
      execution_region varchar(3),
      execution_lat double precision,
      execution_lon double precision,
      execution_precision text NOT NULL DEFAULT 'commune'
        CHECK (execution_precision IN ('commune','department','region','country','unknown')),
      response_deadline timestamptz,
      start_date date,
      duration_months integer,
      multiple_bids_forbidden boolean NOT NULL DEFAULT false,
      mandataire_solidaire_required boolean NOT NULL DEFAULT false,
      notified_on date,
      grouping_type text,
      import_flags text[] NOT NULL DEFAULT '{}',
      import_details jsonb NOT NULL DEFAULT '{}',
      published_at timestamptz,
      closed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      CHECK ((source = 'manual') = (external_id IS NULL)))`);
    // Importers upsert on (source, external id): a re-run changes nothing.
    await q.query(`CREATE UNIQUE INDEX tenders_source_external ON tenders (source, external_id) WHERE external_id IS NOT NULL`);
    await q.query(`CREATE INDEX tenders_status_created ON tenders (status, created_at DESC)`);
    await q.query(`CREATE INDEX tenders_owner ON tenders (owner_id, created_at DESC)`);
    await q.query(`CREATE INDEX tenders_title_trgm ON tenders USING gin (lower(immutable_unaccent(title)) gin_trgm_ops)`);
    // Evidence of past contracts: "won N similar contracts within X km" looks tenders up by place.
    await q.query(`CREATE INDEX tenders_execution_point ON tenders USING gist (ll_to_earth(execution_lat, execution_lon))
      WHERE execution_lat IS NOT NULL AND execution_lon IS NOT NULL`);

    await q.query(`CREATE TABLE tender_lots (
      tender_id uuid NOT NULL REFERENCES tenders(id) ON DELETE CASCADE,
      number integer NOT NULL CHECK (number >= 1),
      title text NOT NULL,
      description text,
      cpv_codes text[] NOT NULL DEFAULT '{}',
      sectors text[] NOT NULL DEFAULT '{}',
      effective_sectors text[] NOT NULL DEFAULT '{}',
      estimated_amount_eur double precision CHECK (estimated_amount_eur IS NULL OR estimated_amount_eur >= 0),
      prestation_type text NOT NULL CHECK (prestation_type IN ('PREST','DISP','BUILD')),
      reservation text NOT NULL DEFAULT 'NONE' CHECK (reservation IN ('NONE','L2113-12','L2113-13','L2113-14','L2113-15')),
      social_clause jsonb,
      work_packages jsonb NOT NULL DEFAULT '[]',
      PRIMARY KEY (tender_id, number))`);
    await q.query(`CREATE INDEX tender_lots_effective_sectors ON tender_lots USING gin (effective_sectors)`);

    // Holders of awarded (imported) contracts; linked to a catalogue structure when the SIRET is known.
    await q.query(`CREATE TABLE contract_holders (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tender_id uuid NOT NULL,
      lot_number integer NOT NULL DEFAULT 1,
      position integer NOT NULL,
      identifier text,
      identifier_type text,
      siret varchar(14),
      name text,
      structure_id uuid REFERENCES structures(id) ON DELETE SET NULL,
      flags text[] NOT NULL DEFAULT '{}',
      FOREIGN KEY (tender_id, lot_number) REFERENCES tender_lots(tender_id, number) ON DELETE CASCADE,
      CONSTRAINT contract_holders_position UNIQUE (tender_id, lot_number, position))`);
    await q.query(`CREATE INDEX contract_holders_siret ON contract_holders (siret) WHERE siret IS NOT NULL`);
    await q.query(`CREATE INDEX contract_holders_structure ON contract_holders (structure_id) WHERE structure_id IS NOT NULL`);

    // Candidates search: which structures serve a place and may do the work, fast over 100,000 structures.
    // The structures table is wide (descriptions, offers, search columns): a narrow copy of what ranking reads,
    // kept in step by a trigger in the same transaction as every write, holds listed structures only. Two GIN
    // arrays let PostgreSQL intersect "serves the place" and "does the work" before reading any row:
    // - area_keys: "G:<lat cell>:<lon cell>" for every half-degree cell a radius area's bounding box touches,
    //   "D:<dept>" / "R:<region>" for department and region areas, "*" for national, and "L:<dept>" for the
    //   department the structure is in (places known only by their department);
    // - sector_codes: the structure's sector codes.
    // Both are supersets: the domain's areaCovers and sector fit decide exactly.
    await q.query(`CREATE TABLE structure_candidates (
      id uuid PRIMARY KEY REFERENCES structures(id) ON DELETE CASCADE,
      siret varchar(14) NOT NULL,
      kind text NOT NULL,
      department varchar(3),
      lat double precision,
      lon double precision,
      area_type text NOT NULL,
      radius_km double precision,
      area_codes text[] NOT NULL DEFAULT '{}',
      area_keys text[] NOT NULL DEFAULT '{}',
      sectors jsonb NOT NULL,
      sector_codes text[] NOT NULL DEFAULT '{}',
      -- true when every sector was inferred (register rows): a guess, not the owner's word.
      sectors_inferred_only boolean NOT NULL DEFAULT true,
      prestation_types text[] NOT NULL,
      revenue double precision,
      open_to_co_contracting boolean NOT NULL,
      -- false for register rows no owner or admin has edited yet: their openness to co-contracting is a default
      -- of the import, not an answer (the register says nothing about it).
      openness_declared boolean NOT NULL DEFAULT false)`);
    // The half-degree cells of the box holding every point within `radius_km` (1° of latitude ≥ 110.5 km;
    // longitude degrees shrink with cos(latitude)). 50 km mirrors the domain's DEFAULT_RADIUS_KM.
    await q.query(`CREATE OR REPLACE FUNCTION candidate_area_keys(area_type text, lat double precision, lon double precision,
        radius_km double precision, area_codes text[], department text) RETURNS text[]
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE area_type
          WHEN 'national' THEN ARRAY['*']
          WHEN 'departments' THEN ARRAY(SELECT 'D:' || c FROM unnest(area_codes) c)
          WHEN 'regions' THEN ARRAY(SELECT 'R:' || c FROM unnest(area_codes) c)
          ELSE CASE WHEN lat IS NULL OR lon IS NULL THEN '{}'::text[] ELSE ARRAY(
            SELECT 'G:' || y || ':' || x
            FROM (SELECT radius_km / 110.5 AS dlat,
                         radius_km / (110.5 * greatest(cos(radians(least(abs(lat) + radius_km / 110.5, 89))), 0.01)) AS dlon) d,
                 generate_series(floor((lat - d.dlat) * 2)::int, floor((lat + d.dlat) * 2)::int) AS y,
                 generate_series(floor((lon - d.dlon) * 2)::int, floor((lon + d.dlon) * 2)::int) AS x) END
        END || CASE WHEN department IS NULL THEN '{}'::text[] ELSE ARRAY['L:' || department] END $$`);
    await q.query(`CREATE OR REPLACE FUNCTION upsert_structure_candidate(s structures) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        kind_of_area text := coalesce(s.intervention_area->>'type', 'radius');
        radius double precision := CASE WHEN jsonb_typeof(s.intervention_area->'radiusKm') = 'number' AND (s.intervention_area->>'radiusKm')::double precision > 0
                                        THEN (s.intervention_area->>'radiusKm')::double precision ELSE 50 END;
        codes text[] := CASE WHEN jsonb_typeof(s.intervention_area->'codes') = 'array'
                             THEN ARRAY(SELECT jsonb_array_elements_text(s.intervention_area->'codes')) ELSE '{}' END;
      BEGIN
        IF s.delisted_at IS NOT NULL THEN
          DELETE FROM structure_candidates WHERE id = s.id;
          RETURN;
        END IF;
        INSERT INTO structure_candidates (id, siret, kind, department, lat, lon, area_type, radius_km, area_codes, area_keys,
          sectors, sector_codes, sectors_inferred_only, prestation_types, revenue, open_to_co_contracting, openness_declared)
        VALUES (s.id, s.siret, s.kind, s.department, s.lat, s.lon, kind_of_area, radius, codes,
          candidate_area_keys(kind_of_area, s.lat, s.lon, radius, codes, s.department),
          s.sectors,
          CASE WHEN jsonb_typeof(s.sectors) = 'array' THEN ARRAY(SELECT e->>'code' FROM jsonb_array_elements(s.sectors) e WHERE e->>'code' IS NOT NULL) ELSE '{}' END,
          CASE WHEN jsonb_typeof(s.sectors) = 'array'
               THEN NOT EXISTS (SELECT 1 FROM jsonb_array_elements(s.sectors) e WHERE (e->>'inferred') IS DISTINCT FROM 'true') ELSE true END,
          s.prestation_types,
          CASE WHEN jsonb_typeof(s.capacity->'annualRevenueEur') = 'number' THEN (s.capacity->>'annualRevenueEur')::double precision END,
          s.open_to_co_contracting, s.source <> 'register' OR s.edited_at IS NOT NULL)
        ON CONFLICT (id) DO UPDATE SET siret = EXCLUDED.siret, kind = EXCLUDED.kind, department = EXCLUDED.department, lat = EXCLUDED.lat,
          lon = EXCLUDED.lon, area_type = EXCLUDED.area_type, radius_km = EXCLUDED.radius_km, area_codes = EXCLUDED.area_codes,
          area_keys = EXCLUDED.area_keys, sectors = EXCLUDED.sectors, sector_codes = EXCLUDED.sector_codes,
          sectors_inferred_only = EXCLUDED.sectors_inferred_only, prestation_types = EXCLUDED.prestation_types,
          revenue = EXCLUDED.revenue, open_to_co_contracting = EXCLUDED.open_to_co_contracting, openness_declared = EXCLUDED.openness_declared;
      END $$`);
    await q.query(`CREATE OR REPLACE FUNCTION sync_structure_candidate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM upsert_structure_candidate(NEW);
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER structures_sync_candidate AFTER INSERT OR UPDATE ON structures
      FOR EACH ROW EXECUTE FUNCTION sync_structure_candidate()`);
    // Rows already there (databases migrated after structures were loaded).
    await q.query(`SELECT upsert_structure_candidate(s) FROM structures s WHERE s.delisted_at IS NULL`);
    await q.query(`CREATE INDEX structure_candidates_area_keys ON structure_candidates USING gin (area_keys)`);
    await q.query(`CREATE INDEX structure_candidates_sectors ON structure_candidates USING gin (sector_codes)`);
    await q.query(`CREATE INDEX structure_candidates_no_sector ON structure_candidates (kind) WHERE cardinality(sector_codes) = 0`);
    await q.query(`CREATE INDEX structure_candidates_inferred_point ON structure_candidates USING gist (point(lon, lat)) WHERE sectors_inferred_only`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS structures_sync_candidate ON structures`);
    await q.query(`DROP FUNCTION IF EXISTS sync_structure_candidate()`);
    await q.query(`DROP FUNCTION IF EXISTS upsert_structure_candidate(structures)`);
    await q.query(`DROP FUNCTION IF EXISTS candidate_area_keys(text, double precision, double precision, double precision, text[], text)`);
    await q.query(`DROP TABLE IF EXISTS structure_candidates`);
    await q.query(`DROP TABLE contract_holders`);
    await q.query(`DROP TABLE tender_lots`);
    await q.query(`DROP TABLE tenders`);
  }
}
