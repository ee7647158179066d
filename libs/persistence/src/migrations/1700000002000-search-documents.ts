import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The PostgreSQL search index (issue 3): one row per searchable structure, derived from `structures` by the
 * indexing job, never written by the catalogue. A weighted French tsvector with unaccent (GIN), earth points
 * and intervention-area boxes (GiST, earthdistance), and a vocabulary of indexed words for typo correction
 * (pg_trgm): query words are fuzzy-matched against the vocabulary, then full text runs with corrected words.
 */
export class SearchDocuments1700000002000 implements MigrationInterface {
  name = 'SearchDocuments1700000002000';

  async up(q: QueryRunner): Promise<void> {
    // French stemming after unaccent: "néttoyage", "nettoyage" and "nettoyages" share one lexeme.
    await q.query(`CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french)`);
    await q.query(`ALTER TEXT SEARCH CONFIGURATION french_unaccent ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem`);

    await q.query(`CREATE TABLE search_documents (
      id uuid PRIMARY KEY,
      siret varchar(14) NOT NULL,
      name text NOT NULL,
      brand text,
      name_sort text NOT NULL,
      kind text NOT NULL,
      inclusive boolean NOT NULL,
      commune_code varchar(5),
      commune_name text,
      department varchar(3),
      region varchar(3),
      lat double precision,
      lon double precision,
      geo earth,
      sectors text[] NOT NULL DEFAULT '{}',
      prestation_types text[] NOT NULL DEFAULT '{}',
      open_to_co_contracting boolean NOT NULL DEFAULT false,
      annual_revenue_eur double precision,
      website text,
      area_type text NOT NULL,
      area_departments text[] NOT NULL DEFAULT '{}',
      area_regions text[] NOT NULL DEFAULT '{}',
      area_radius_km double precision,
      -- the radius in earth units (earth_distance metres on earthdistance's sphere), and a lon/lat box that
      -- contains the whole circle: GiST finds the areas around a commune, earth_distance then decides
      area_reach double precision,
      area_bbox box,
      tsv tsvector NOT NULL,
      indexed_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX search_documents_tsv ON search_documents USING gin (tsv)`);
    await q.query(`CREATE INDEX search_documents_geo ON search_documents USING gist (geo)`);
    await q.query(`CREATE INDEX search_documents_area_bbox ON search_documents USING gist (area_bbox)`);
    await q.query(`CREATE INDEX search_documents_area_departments ON search_documents USING gin (area_departments)`);
    await q.query(`CREATE INDEX search_documents_area_regions ON search_documents USING gin (area_regions)`);
    await q.query(`CREATE INDEX search_documents_national ON search_documents (area_type) WHERE area_type = 'national'`);
    await q.query(`CREATE INDEX search_documents_sectors ON search_documents USING gin (sectors)`);
    await q.query(`CREATE INDEX search_documents_kind ON search_documents (kind)`);
    await q.query(`CREATE INDEX search_documents_department ON search_documents (department)`);
    await q.query(`CREATE INDEX search_documents_region ON search_documents (region)`);
    await q.query(`CREATE INDEX search_documents_name_sort ON search_documents (name_sort, id)`);
    // The reindex CLUSTERs the table on this index: a region's or a town's structures share heap pages,
    // so place filters and facet counts read a few hundred pages instead of one per row.
    await q.query(`CREATE INDEX search_documents_place ON search_documents (region, department, commune_code)`);

    await q.query(`CREATE TABLE search_vocabulary (
      word text PRIMARY KEY,
      ndoc integer NOT NULL DEFAULT 1)`);
    // GiST: nearest words by trigram distance (KNN, ORDER BY word <-> $1 LIMIT n) in about a millisecond.
    await q.query(`CREATE INDEX search_vocabulary_trgm ON search_vocabulary USING gist (word gist_trgm_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE search_vocabulary`);
    await q.query(`DROP TABLE search_documents`);
    await q.query(`DROP TEXT SEARCH CONFIGURATION french_unaccent`);
  }
}
