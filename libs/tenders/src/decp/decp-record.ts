// Raw DECP records as published ("données essentielles de la commande publique"). Everything is optional
// and loosely typed on purpose: real files carry nulls, numbers where strings are due, and damaged text.

export interface DecpPlace {
  code?: string | number | null;
  typeCode?: string | null;
  nom?: string | null;
}

/** 2019 format: holders are flat objects with their company name. */
export interface Decp2019Holder {
  id?: string | number | null;
  typeIdentifiant?: string | null;
  denominationSociale?: string | null;
}

/** 2022 format (schema decp v2.0.x): `titulaires: [{ titulaire: { typeIdentifiant, id } }]`. */
export interface Decp2022Holder {
  titulaire?: { id?: string | number | null; typeIdentifiant?: string | null } | null;
}

export interface DecpRecord {
  /** Platform the record came from (2019 consolidated files). */
  source?: string | null;
  id?: string | number | null;
  acheteur?: { id?: string | number | null; nom?: string | null } | null;
  nature?: string | null;
  objet?: string | null;
  codeCPV?: string | number | null;
  procedure?: string | null;
  lieuExecution?: DecpPlace | null;
  dureeMois?: number | string | null;
  dateNotification?: string | null;
  datePublicationDonnees?: string | null;
  montant?: number | string | null;
  formePrix?: string | null;
  titulaires?: (Decp2019Holder | Decp2022Holder)[] | null;
  /** 2022: { considerationSociale: ["Clause sociale" | "Critère social" | "Marché réservé" | "Pas de considération sociale"] }. */
  considerationsSociales?: { considerationSociale?: string[] | null } | null;
  /** 2022: "Conjoint" | "Solidaire" | "Pas de groupement". */
  typeGroupementOperateurs?: string | null;
  /** Set by the consolidation that produced the 2019 file when accents were lost. */
  encodingDamaged?: boolean | null;
  [other: string]: unknown;
}

export type DecpFormat = 'decp-2019' | 'decp-2022';

/** The 2022 format nests each holder under `titulaire` and adds social considerations and grouping type. */
export function detectFormat(record: DecpRecord): DecpFormat {
  const holders = Array.isArray(record.titulaires) ? record.titulaires : [];
  if (holders.some((h) => h && typeof h === 'object' && 'titulaire' in h)) return 'decp-2022';
  if (record.considerationsSociales !== undefined || record.typeGroupementOperateurs !== undefined) return 'decp-2022';
  return 'decp-2019';
}
