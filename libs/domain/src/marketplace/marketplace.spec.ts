import { alertRecipients, interestMilestoneToAnnounce, isInterestMilestone, partnerSeekerScore, tenderMatchesProfile, type AlertProfileCriteria } from './marketplace';

const any: AlertProfileCriteria = { sectors: [], departments: [], regions: [], kinds: [], reservations: [] };
const lyonCleaning = { department: '69', region: '84', lots: [{ sectors: ['nettoyage-locaux'], reservation: 'L2113-13' as const }] };

describe('tenderMatchesProfile', () => {
  it('an empty profile wants every tender', () => {
    expect(tenderMatchesProfile(any, lyonCleaning)).toBe(true);
  });

  it('the area is a department or a region', () => {
    expect(tenderMatchesProfile({ ...any, departments: ['69'] }, lyonCleaning)).toBe(true);
    expect(tenderMatchesProfile({ ...any, regions: ['84'] }, lyonCleaning)).toBe(true);
    expect(tenderMatchesProfile({ ...any, departments: ['75'] }, lyonCleaning)).toBe(false);
    expect(tenderMatchesProfile({ ...any, departments: ['75'], regions: ['84'] }, lyonCleaning)).toBe(true);
  });

  it('sectors and reservation types must meet on one lot', () => {
    expect(tenderMatchesProfile({ ...any, sectors: ['nettoyage-locaux'] }, lyonCleaning)).toBe(true);
    expect(tenderMatchesProfile({ ...any, sectors: ['entretien-espaces-verts'] }, lyonCleaning)).toBe(false);
    expect(tenderMatchesProfile({ ...any, reservations: ['NONE'] }, lyonCleaning)).toBe(false);
    const twoLots = { ...lyonCleaning, lots: [...lyonCleaning.lots, { sectors: ['entretien-espaces-verts'], reservation: 'NONE' as const }] };
    // Green spaces on an unreserved lot, cleaning on a reserved one: "green + reserved" meets on no lot.
    expect(tenderMatchesProfile({ ...any, sectors: ['entretien-espaces-verts'], reservations: ['L2113-13'] }, twoLots)).toBe(false);
    expect(tenderMatchesProfile({ ...any, sectors: ['entretien-espaces-verts'], reservations: ['NONE'] }, twoLots)).toBe(true);
  });

  it('a lot reserved to SIAE (L2113-13) is not for an ESAT (V13)', () => {
    expect(tenderMatchesProfile({ ...any, kinds: ['ESAT'] }, lyonCleaning)).toBe(false);
    expect(tenderMatchesProfile({ ...any, kinds: ['ACI'] }, lyonCleaning)).toBe(true);
  });
});

describe('interest milestones', () => {
  it('are the 1st, 2nd, 5th and every 5th', () => {
    expect([1, 2, 3, 4, 5, 6, 9, 10, 15, 16].filter(isInterestMilestone)).toEqual([1, 2, 5, 10, 15]);
    expect(isInterestMilestone(0)).toBe(false);
  });

  it('are announced once, even when a structure changes its mind', () => {
    expect(interestMilestoneToAnnounce(1, 0)).toBe(1);
    expect(interestMilestoneToAnnounce(1, 1)).toBeNull();
    expect(interestMilestoneToAnnounce(2, 1)).toBe(2);
    expect(interestMilestoneToAnnounce(3, 2)).toBeNull();
    expect(interestMilestoneToAnnounce(5, 2)).toBe(5);
  });
});

describe('alertRecipients', () => {
  const c = (structureId: string, ownerId: string | null, demo = false) => ({ structureId, ownerId, demo });

  it('takes the best N per lot, skipping demo and unowned rows, owners once', () => {
    const lot1 = [c('d', 'owner-d', true), c('u', null), c('a', 'owner-a'), c('b', 'owner-b'), c('c', 'owner-c')];
    const lot2 = [c('a', 'owner-a'), c('b2', 'owner-b')];
    const recipients = alertRecipients([lot1, lot2], 2);
    expect([...recipients.entries()]).toEqual([
      ['owner-a', ['a']],
      ['owner-b', ['b', 'b2']],
    ]);
  });

  it('leaves out owners who unsubscribed without giving their place to the next candidate', () => {
    const recipients = alertRecipients([[c('a', 'owner-a'), c('b', 'owner-b'), c('c', 'owner-c')]], 2, new Set(['owner-a']));
    expect([...recipients.keys()]).toEqual(['owner-b']);
  });
});

it('structures that asked for partners rank higher, within 0–100', () => {
  expect(partnerSeekerScore(50)).toBe(65);
  expect(partnerSeekerScore(95)).toBe(100);
});
