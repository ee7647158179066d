import fc from 'fast-check';
import { distanceKm } from './geo';
import type { GeoPoint } from './vocabulary';

const PARIS: GeoPoint = { lat: 48.8566, lon: 2.3522 };
const LYON: GeoPoint = { lat: 45.764, lon: 4.8357 };
const MARSEILLE: GeoPoint = { lat: 43.2965, lon: 5.3698 };
const ROMAINVILLE: GeoPoint = { lat: 48.88053, lon: 2.431955 }; // Baluchon, SIAE register
const MONTREUIL: GeoPoint = { lat: 48.865024, lon: 2.455023 }; // La Collecterie, SIAE register

const point = fc.record({
  lat: fc.double({ min: -89, max: 89, noNaN: true }),
  lon: fc.double({ min: -180, max: 180, noNaN: true }),
});

describe('distanceKm (haversine)', () => {
  it('matches known great-circle distances between French cities', () => {
    expect(distanceKm(PARIS, LYON)).toBeCloseTo(391.5, 0);
    expect(distanceKm(PARIS, MARSEILLE)).toBeCloseTo(660.5, 0);
    // Equirectangular check for short distances: sqrt(1.724² + 1.688²) ≈ 2.41 km.
    expect(distanceKm(ROMAINVILLE, MONTREUIL)).toBeCloseTo(2.41, 2);
  });

  it('is zero for the same point and is not rounded', () => {
    expect(distanceKm(PARIS, PARIS)).toBe(0);
    expect(Number.isInteger(distanceKm(PARIS, LYON))).toBe(false);
  });

  it('is half the Earth circumference for antipodes', () => {
    expect(distanceKm({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(Math.PI * 6371.0088, 3);
  });

  it('is symmetric, non-negative and obeys the triangle inequality (property)', () => {
    fc.assert(
      fc.property(point, point, point, (a, b, c) => {
        const ab = distanceKm(a, b);
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(Math.abs(ab - distanceKm(b, a))).toBeLessThan(1e-9);
        expect(ab).toBeLessThanOrEqual(distanceKm(a, c) + distanceKm(c, b) + 1e-3); // 1 m: asin loses precision near antipodes
      }),
    );
  });
});
