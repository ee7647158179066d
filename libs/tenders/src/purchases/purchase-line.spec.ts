import { mapPurchaseHeader, parseAmountFr, readPurchaseLine } from './purchase-line';

const reference = {
  cpv: (code: string) => (code.startsWith('90911200') ? { code: '90911200-8', code8: '90911200', label: 'Nettoyage de bâtiments', sectors: ['nettoyage-locaux'] } : undefined),
  sector: (code: string) => (code === 'nettoyage-locaux' ? { code, label: 'Nettoyage de locaux', group: 'PROPRETE' } : undefined),
};
const lyon = { code: '69123', name: 'Lyon', department: '69', region: '84', postCodes: ['69001'], population: 520_000, location: { lat: 45.76, lon: 4.83 } };
const resolve = (place: string) => (['69123', 'Lyon'].includes(place) ? lyon : undefined);

describe('purchase plan lines', () => {
  it('finds the columns by their French names, in any order and spelling', () => {
    const mapping = mapPurchaseHeader(['Lieu d’exécution', 'Montant annuel (€ HT)', 'Libellé', 'Code CPV']);
    expect(mapping).toMatchObject({ columns: { place: 0, amount: 1, label: 2, subject: 3 }, missing: [] }); // punctuation and accents aside
    const ok = mapPurchaseHeader(['LIEU', 'montant annuel HT', 'Intitulé', 'CPV ou mots']);
    expect(ok).toEqual({ columns: { label: 2, subject: 3, amount: 1, place: 0 }, missing: [], placeIsPostcode: false });
    expect(mapPurchaseHeader(['Libellé', 'CPV', 'Montant', 'Code postal']).placeIsPostcode).toBe(true);
  });

  it('reads French amounts', () => {
    expect(parseAmountFr('12 000,50 €')).toBe(12000.5);
    expect(parseAmountFr('1\u202f200\u202f000')).toBe(1_200_000);
    expect(parseAmountFr('12000.5')).toBe(12000.5);
    expect(parseAmountFr('1,200,000')).toBe(1_200_000);
    expect(parseAmountFr('douze')).toBeNull();
    expect(parseAmountFr('')).toBeNull();
  });

  const mapping = mapPurchaseHeader(['Libellé', 'CPV ou mots', 'Montant annuel', 'Lieu']);
  it('reads a good line: CPV → sectors and prestation type, place → commune', () => {
    const line = readPurchaseLine(2, ['Nettoyage', '90911200', '120 000', 'Lyon'], mapping, reference, resolve);
    expect(line).toMatchObject({ lineNumber: 2, amountEur: 120_000, communeCode: '69123', cpvCodes: ['90911200-8'], sectors: ['nettoyage-locaux'], prestationType: 'PREST', problem: null });
  });

  it('keeps every reason a line cannot be advised', () => {
    expect(readPurchaseLine(3, ['', '90911200', '-5', 'Atlantide'], mapping, reference, resolve).problem).toBe(
      'libellé manquant ; le montant annuel doit être positif ; lieu inconnu : « Atlantide » (code commune, code postal ou nom de commune)',
    );
    expect(readPurchaseLine(4, ['X', '12345678', 'beaucoup', '69123'], mapping, reference, resolve).problem).toBe('montant annuel illisible : « beaucoup » ; code CPV inconnu : « 12345678 »');
    expect(readPurchaseLine(5, ['X', 'zzz qqq', '10', ''], mapping, reference, resolve).problem).toBe('aucune activité reconnue dans « zzz qqq » : indiquez un code CPV ; lieu manquant');
  });
});
