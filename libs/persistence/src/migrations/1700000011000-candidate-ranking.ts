import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the fitted candidate ranking (issue 11) reads beyond migration 1700000003000's narrow copy:
 * - commune_code: "same commune as the place";
 * - demo: generated demo structures, left out of candidates and matching unless asked;
 * - area_is_default: the area is the import's default radius (a guess); such a row is kept a little beyond
 *   it (GUESSED_RADIUS_TOLERANCE, here 1.5 × the radius in the area keys) and ranked lower;
 * - words: significant words of name, brand, description and offers, normalised like the domain's
 *   `textWords` (lower case, no accents, letters, ≥ 4 letters, trailing s/x removed);
 * - sector_codes gains the marker INFERRED_ONLY_SECTOR ('~inferred') on rows whose sectors are all inferred (register
 *   rows): they are candidates whatever their guessed trade, and the marker keeps that condition on the GIN index.
 */
export class CandidateRanking1700000011000 implements MigrationInterface {
  name = 'CandidateRanking1700000011000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE structure_candidates
      ADD COLUMN commune_code varchar(5),
      ADD COLUMN demo boolean NOT NULL DEFAULT false,
      ADD COLUMN area_is_default boolean NOT NULL DEFAULT false,
      ADD COLUMN words text[] NOT NULL DEFAULT '{}'`);
    await q.query(`CREATE OR REPLACE FUNCTION candidate_words(t text) RETURNS text[]
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT w), '{}') FROM (
          SELECT regexp_replace(w, '[sx]$', '') AS w
          FROM regexp_split_to_table(translate(lower(coalesce(t, '')), 'àáâãäåçèéêëìíîïñòóôõöùúûüýÿ', 'aaaaaaceeeeiiiinooooouuuuyy'), '[^a-z]+') w
          WHERE length(w) >= 4) x
        WHERE length(w) >= 4 $$`);
    await q.query(`CREATE OR REPLACE FUNCTION upsert_structure_candidate(s structures) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        kind_of_area text := coalesce(s.intervention_area->>'type', 'radius');
        radius double precision := CASE WHEN jsonb_typeof(s.intervention_area->'radiusKm') = 'number' AND (s.intervention_area->>'radiusKm')::double precision > 0
                                        THEN (s.intervention_area->>'radiusKm')::double precision ELSE 50 END;
        guessed boolean := coalesce(s.intervention_area_is_default, false) AND coalesce(s.intervention_area->>'type', 'radius') = 'radius';
        codes text[] := CASE WHEN jsonb_typeof(s.intervention_area->'codes') = 'array'
                             THEN ARRAY(SELECT jsonb_array_elements_text(s.intervention_area->'codes')) ELSE '{}' END;
        inferred_only boolean := CASE WHEN jsonb_typeof(s.sectors) = 'array'
               THEN NOT EXISTS (SELECT 1 FROM jsonb_array_elements(s.sectors) e WHERE (e->>'inferred') IS DISTINCT FROM 'true') ELSE true END;
      BEGIN
        IF s.delisted_at IS NOT NULL THEN
          DELETE FROM structure_candidates WHERE id = s.id;
          RETURN;
        END IF;
        INSERT INTO structure_candidates (id, siret, kind, department, lat, lon, area_type, radius_km, area_codes, area_keys,
          sectors, sector_codes, sectors_inferred_only, prestation_types, revenue, open_to_co_contracting, openness_declared,
          commune_code, demo, area_is_default, words)
        VALUES (s.id, s.siret, s.kind, s.department, s.lat, s.lon, kind_of_area, radius, codes,
          candidate_area_keys(kind_of_area, s.lat, s.lon, CASE WHEN guessed THEN radius * 1.5 ELSE radius END, codes, s.department),
          s.sectors,
          CASE WHEN jsonb_typeof(s.sectors) = 'array' THEN ARRAY(SELECT e->>'code' FROM jsonb_array_elements(s.sectors) e WHERE e->>'code' IS NOT NULL) ELSE '{}' END
            || CASE WHEN inferred_only THEN ARRAY['~inferred'] ELSE '{}'::text[] END,
          inferred_only,
          s.prestation_types,
          CASE WHEN jsonb_typeof(s.capacity->'annualRevenueEur') = 'number' THEN (s.capacity->>'annualRevenueEur')::double precision END,
          s.open_to_co_contracting, s.source <> 'register' OR s.edited_at IS NOT NULL,
          s.commune_code, s.source = 'demo', guessed,
          candidate_words(concat_ws(' ', s.name, s.brand, s.description,
            CASE WHEN jsonb_typeof(s.offers) = 'array' THEN (SELECT string_agg(concat_ws(' ', o->>'title', o->>'description'), ' ') FROM jsonb_array_elements(s.offers) o) END)))
        ON CONFLICT (id) DO UPDATE SET siret = EXCLUDED.siret, kind = EXCLUDED.kind, department = EXCLUDED.department, lat = EXCLUDED.lat,
          lon = EXCLUDED.lon, area_type = EXCLUDED.area_type, radius_km = EXCLUDED.radius_km, area_codes = EXCLUDED.area_codes,
          area_keys = EXCLUDED.area_keys, sectors = EXCLUDED.sectors, sector_codes = EXCLUDED.sector_codes,
          sectors_inferred_only = EXCLUDED.sectors_inferred_only, prestation_types = EXCLUDED.prestation_types,
          revenue = EXCLUDED.revenue, open_to_co_contracting = EXCLUDED.open_to_co_contracting, openness_declared = EXCLUDED.openness_declared,
          commune_code = EXCLUDED.commune_code, demo = EXCLUDED.demo, area_is_default = EXCLUDED.area_is_default, words = EXCLUDED.words;
      END $$`);
    await q.query(`SELECT upsert_structure_candidate(s) FROM structures s WHERE s.delisted_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE structure_candidates DROP COLUMN commune_code, DROP COLUMN demo, DROP COLUMN area_is_default, DROP COLUMN words`);
    await q.query(`DROP FUNCTION IF EXISTS candidate_words(text)`);
  }
}
