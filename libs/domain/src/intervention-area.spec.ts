import { areaCovers, beyondGuessedRadius, DEFAULT_RADIUS_KM, GUESSED_RADIUS_TOLERANCE, type ExecutionPlace } from './intervention-area';
import type { GeoPoint } from './vocabulary';

const MONTREUIL: GeoPoint = { lat: 48.865024, lon: 2.455023 };
const PARIS_PLACE: ExecutionPlace = { location: { lat: 48.8566, lon: 2.3522 }, department: '75', region: '11' };
const LYON_PLACE: ExecutionPlace = { location: { lat: 45.764, lon: 4.8357 }, department: '69', region: '84' };
const AJACCIO_PLACE: ExecutionPlace = { location: { lat: 41.9192, lon: 8.7386 }, department: '2A', region: '94' };
const BOURG_PLACE: ExecutionPlace = { location: { lat: 46.2052, lon: 5.2255 }, department: '01', region: '84' };

describe('areaCovers', () => {
  const montreuilStructure = { location: MONTREUIL };

  it('radius: covers places within the radius of the structure location, boundary included', () => {
    expect(areaCovers({ type: 'radius', radiusKm: 30 }, montreuilStructure, PARIS_PLACE)).toBe(true); // ≈ 7.7 km
    expect(areaCovers({ type: 'radius', radiusKm: 5 }, montreuilStructure, PARIS_PLACE)).toBe(false);
    expect(areaCovers({ type: 'radius', radiusKm: 30 }, montreuilStructure, LYON_PLACE)).toBe(false);
    const atLyon = { location: LYON_PLACE.location };
    expect(areaCovers({ type: 'radius', radiusKm: 0.001 }, atLyon, LYON_PLACE)).toBe(true);
  });

  it('radius: a structure without a location covers nothing by radius', () => {
    expect(areaCovers({ type: 'radius', radiusKm: 1000 }, { location: null }, PARIS_PLACE)).toBe(false);
  });

  it('radius: an unusable radius falls back to DEFAULT_RADIUS_KM (50 km)', () => {
    expect(DEFAULT_RADIUS_KM).toBe(50);
    // Meaux is ≈ 41 km from Paris centre: inside 50 km, outside 30 km.
    const meaux = { location: { lat: 48.9601, lon: 2.8788 } };
    expect(areaCovers({ type: 'radius', radiusKm: 30 }, meaux, PARIS_PLACE)).toBe(false);
    expect(areaCovers({ type: 'radius', radiusKm: 0 }, meaux, PARIS_PLACE)).toBe(true);
    expect(areaCovers({ type: 'radius', radiusKm: Number.NaN }, meaux, PARIS_PLACE)).toBe(true);
  });

  it('departments: matches the place department, tolerating "1" for "01" and "2a" for "2A"', () => {
    expect(areaCovers({ type: 'departments', codes: ['93', '75'] }, montreuilStructure, PARIS_PLACE)).toBe(true);
    expect(areaCovers({ type: 'departments', codes: ['93'] }, montreuilStructure, PARIS_PLACE)).toBe(false);
    expect(areaCovers({ type: 'departments', codes: ['1'] }, montreuilStructure, BOURG_PLACE)).toBe(true);
    expect(areaCovers({ type: 'departments', codes: ['2a'] }, montreuilStructure, AJACCIO_PLACE)).toBe(true);
    expect(areaCovers({ type: 'departments', codes: [] }, montreuilStructure, PARIS_PLACE)).toBe(false);
  });

  it('departments and regions do not need a structure location', () => {
    expect(areaCovers({ type: 'regions', codes: ['84'] }, { location: null }, LYON_PLACE)).toBe(true);
    expect(areaCovers({ type: 'regions', codes: ['84'] }, { location: null }, PARIS_PLACE)).toBe(false);
  });

  it('national: covers everywhere, even without a location', () => {
    expect(areaCovers({ type: 'national' }, { location: null }, AJACCIO_PLACE)).toBe(true);
  });
});

describe('beyondGuessedRadius (a default radius is a guess)', () => {
  const place: ExecutionPlace = { location: { lat: 45.764, lon: 4.8357 }, department: '69', region: '84' }; // Lyon
  const bourg: GeoPoint = { lat: 46.2052, lon: 5.2255 }; // ~58 km
  it('gives the radius when the place is beyond it but within the tolerance, nothing otherwise', () => {
    expect(beyondGuessedRadius({ type: 'radius', radiusKm: 50 }, { location: bourg }, place)).toBe(50);
    expect(beyondGuessedRadius({ type: 'radius', radiusKm: 60 }, { location: bourg }, place)).toBeUndefined(); // covered
    expect(beyondGuessedRadius({ type: 'radius', radiusKm: 30 }, { location: bourg }, place)).toBeUndefined(); // 58 > 45
    expect(beyondGuessedRadius({ type: 'radius', radiusKm: 50 }, { location: null }, place)).toBeUndefined();
    expect(beyondGuessedRadius({ type: 'national' }, { location: bourg }, place)).toBeUndefined();
    expect(GUESSED_RADIUS_TOLERANCE).toBe(1.5); // mirrored by migration 1700000011000's area keys
  });
});
