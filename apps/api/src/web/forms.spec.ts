import { IsInt, IsOptional, IsString, Min, MinLength } from 'class-validator';
import {
  checked,
  compact,
  errorsByField,
  fieldId,
  indexedGroups,
  inputName,
  list,
  numberField,
  parseNumberFr,
  percentField,
  queryString,
  renameErrorFields,
  safeNextPath,
  text,
  validateAs,
} from './forms';

describe('form parsing', () => {
  it('reads trimmed text, the first of repeated values, and nothing from objects', () => {
    expect(text({ a: '  Lyon ' }, 'a')).toBe('Lyon');
    expect(text({ a: ['x', 'y'] }, 'a')).toBe('x');
    expect(text({ a: { b: 'c' } }, 'a')).toBe('');
    expect(text(undefined, 'a')).toBe('');
  });

  it('reads checkbox groups whether one, several or comma-joined values arrive', () => {
    expect(list({ k: 'EI' }, 'k')).toEqual(['EI']);
    expect(list({ k: ['EI', 'ACI', 'EI'] }, 'k')).toEqual(['EI', 'ACI']);
    expect(list({ k: 'EI, ESAT,' }, 'k')).toEqual(['EI', 'ESAT']);
    expect(list({}, 'k')).toEqual([]);
  });

  it('reads checkboxes as booleans', () => {
    expect(checked({ c: 'on' }, 'c')).toBe(true);
    expect(checked({ c: 'true' }, 'c')).toBe(true);
    expect(checked({}, 'c')).toBe(false);
    expect(checked({ c: 'off' }, 'c')).toBe(false);
  });

  it('reads French numbers: spaces as thousands separators, comma decimals', () => {
    expect(parseNumberFr('1 000 000')).toBe(1_000_000);
    expect(parseNumberFr('1\u202f000\u00a0000,50')).toBe(1_000_000.5);
    expect(parseNumberFr('12.5')).toBe(12.5);
    expect(parseNumberFr('250000 €')).toBe(250_000);
    expect(parseNumberFr('')).toBeUndefined();
    expect(parseNumberFr('douze')).toBeNaN();
    expect(parseNumberFr('1e9')).toBeNaN();
    expect(numberField({ a: ' 42 ' }, 'a')).toBe(42);
  });

  it('turns percentages into fractions', () => {
    expect(percentField({ t: '5' }, 't')).toBe(0.05);
    expect(percentField({ t: '7,5' }, 't')).toBe(0.075);
    expect(percentField({ t: '' }, 't')).toBeUndefined();
    expect(percentField({ t: 'x' }, 't')).toBeNaN();
  });

  it('reads indexed groups in order, from arrays or from objects keyed by index', () => {
    expect(indexedGroups({ lots: [{ n: '1' }, { n: '2' }] }, 'lots')).toEqual([{ n: '1' }, { n: '2' }]);
    expect(indexedGroups({ lots: { '10': { n: 'b' }, '2': { n: 'a' }, x: { n: 'no' } } }, 'lots')).toEqual([{ n: 'a' }, { n: 'b' }]);
    expect(indexedGroups({ lots: 'nope' }, 'lots')).toEqual([]);
  });
});

describe('field names and ids', () => {
  it('maps API error paths to input names and HTML ids', () => {
    expect(inputName('lots[0].estimatedAmountEur')).toBe('lots[0][estimatedAmountEur]');
    expect(inputName('capacity.employees')).toBe('capacity[employees]');
    expect(inputName('lots[1].workPackages[0].share')).toBe('lots[1][workPackages][0][share]');
    expect(inputName('email')).toBe('email');
    expect(fieldId('lots[0].estimatedAmountEur')).toBe('lots-0-estimatedAmountEur');
    expect(fieldId('lots[0][estimatedAmountEur]')).toBe('lots-0-estimatedAmountEur');
    expect(fieldId('capacity.employees')).toBe('capacity-employees');
  });

  it('keeps the first message per field and renames fields onto page inputs', () => {
    const errors = [
      { field: 'communeCode', message: 'commune inconnue' },
      { field: 'communeCode', message: 'autre' },
      { field: 'siret', message: 'SIRET invalide' },
    ];
    expect(errorsByField(errors)).toEqual({ communeCode: 'commune inconnue', siret: 'SIRET invalide' });
    expect(renameErrorFields(errors, { communeCode: 'commune' }).map((e) => e.field)).toEqual(['commune', 'commune', 'siret']);
    expect(renameErrorFields([{ field: 'interventionArea.radiusKm', message: 'x' }], { interventionArea: 'area' })[0].field).toBe('area.radiusKm');
  });
});

describe('safeNextPath (no open redirect after login)', () => {
  it('keeps local paths with their query', () => {
    expect(safeNextPath('/mes-structures?x=1')).toBe('/mes-structures?x=1');
  });
  it('refuses other sites and odd forms', () => {
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '/a\nb', undefined, ['x']]) {
      expect(safeNextPath(bad, '/accueil')).toBe('/accueil');
    }
  });
});

describe('validateAs: the API DTO rules applied to a form', () => {
  class SampleDto {
    @IsString() @MinLength(2, { message: 'trop court' }) name: string;
    @IsOptional() @IsInt({ message: 'entier attendu' }) @Min(0, { message: 'positif' }) employees?: number;
  }

  it('returns the value when valid', async () => {
    const { value, errors } = await validateAs(SampleDto, { name: 'ACI', employees: 3 });
    expect(errors).toEqual([]);
    expect(value).toBeInstanceOf(SampleDto);
  });

  it('names every faulty field, including unknown ones', async () => {
    const { errors } = await validateAs(SampleDto, { name: 'x', employees: Number.NaN, intrus: 1 });
    expect([...new Set(errors.map((e) => e.field))].sort()).toEqual(['employees', 'intrus', 'name']);
  });
});

describe('helpers for links', () => {
  it('drops undefined keys', () => {
    expect(compact({ a: 1, b: undefined })).toEqual({ a: 1 });
  });
  it('builds query strings without empty filters, lists comma-joined', () => {
    expect(queryString({ q: 'nettoyage lyon', kinds: ['EI', 'ACI'], sectors: [], page: 2, open: false, near: undefined })).toBe('?q=nettoyage+lyon&kinds=EI%2CACI&page=2');
    expect(queryString({})).toBe('');
  });
});
