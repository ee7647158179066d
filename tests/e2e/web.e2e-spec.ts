// The web foundation through HTTP: layout, assets, session cookie, CSRF, HTML errors for pages and JSON for the API.
import request from 'supertest';
import { StructureEntity } from '@app/persistence';
import { TestApp, createTestApp, signUp } from '../support/test-app';
import { validSiret } from '../support/web-fixtures';
import { formPage, postForm } from '../support/web-forms';

jest.setTimeout(60_000);

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('web pages: layout, session login, CSRF, errors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('serves the home page in French with the DSFR layout, skip links and a unique title', async () => {
    const res = await t.http().get('/').set('Accept', HTML).expect(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.text).toContain('<html lang="fr">');
    expect(res.text).toContain('<title>Accueil – Marché inclusif</title>');
    expect(res.text).toContain('href="#contenu">Aller au contenu</a>');
    expect(res.text).toMatch(/href="#[\w-]+">Aller à la recherche<\/a>/);
    expect(res.text).toContain('/static/dsfr/dsfr.min.css?v=');
    expect(res.text).toContain('co-traitance et clauses sociales');
    for (const entry of ['Rechercher', 'Appels d’offres', 'Mes structures', 'Mes groupements', 'Connexion']) expect(res.text).toContain(`>${entry}</a>`);
  });

  it('serves DSFR assets with long cache headers and our own assets', async () => {
    const css = await t.http().get('/static/dsfr/dsfr.min.css').expect(200);
    expect(css.headers['content-type']).toContain('text/css');
    expect(css.headers['cache-control']).toContain('max-age=31536000');
    expect(css.headers['cache-control']).toContain('immutable');
    await t.http().get('/static/dsfr/dsfr.module.min.js').expect(200);
    await t.http().get('/static/dsfr/fonts/Marianne-Regular.woff2').expect(200);
    const js = await t.http().get('/static/app/app.js').expect(200);
    expect(js.headers['content-type']).toContain('javascript');
    await t.http().get('/static/app/../layout.njk').expect(404);
  });

  it('answers an unknown page with the French 404 page, but keeps problem+json for the API and for scripts', async () => {
    const page = await t.http().get('/nulle-part').set('Accept', HTML).expect(404);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).toContain('Page non trouvée');
    const script = await t.http().get('/nulle-part').set('Accept', 'application/json').expect(404);
    expect(script.headers['content-type']).toContain('application/problem+json');
    const api = await t.http().get('/api/v1/nulle-part').set('Accept', HTML).expect(404);
    expect(api.headers['content-type']).toContain('application/problem+json');
    expect(api.body).toMatchObject({ status: 404, instance: '/api/v1/nulle-part' });
  });

  it('signs up through the form: errors next to fields and summarised, then a session cookie', async () => {
    const agent = request.agent(t.app.getHttpServer());
    const form = await formPage(agent, '/inscription');
    expect(form.html).toContain('<title>Créer un compte – Marché inclusif</title>');
    expect(form.html).toMatch(/<label class="fr-label" for="email">Adresse e-mail/);

    const invalid = await postForm(agent, '/inscription', form.csrf, { role: 'supplier', displayName: '', email: 'pas-une-adresse', password: 'court', passwordConfirmation: 'autre' });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('<title>Erreur : Créer un compte – Marché inclusif</title>');
    expect(invalid.text).toContain('Le formulaire contient 4 erreurs');
    expect(invalid.text).toContain('fr-input-group--error');
    expect(invalid.text).toContain('<a href="#email">');
    expect(invalid.text).toMatch(/id="email-error" class="fr-error-text">adresse e-mail invalide/);
    expect(invalid.text).toContain('value="pas-une-adresse"'); // what was typed is kept

    const email = `web-${Date.now()}@example.org`;
    const ok = await postForm(agent, '/inscription', form.csrf, { role: 'supplier', displayName: 'Atelier Vert', email, password: 'un mot de passe solide', passwordConfirmation: 'un mot de passe solide' });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/mes-structures');
    const session = (ok.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('session='));
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(session).not.toMatch(/Secure/); // cookieSecure is off in tests (http)

    // The session cookie authenticates like a bearer token, and pages show who is connected.
    const me = await agent.get('/api/v1/auth/me').expect(200);
    expect(me.body).toMatchObject({ email, role: 'supplier' });
    const home = await agent.get('/').set('Accept', HTML).expect(200);
    expect(home.text).toContain('Atelier Vert');
    expect(home.text).toContain('Bienvenue Atelier Vert');
    expect(home.text).toContain('>Déconnexion</button>');

    // Logout needs the CSRF token too, and ends the session.
    const after = await formPage(agent, '/');
    await postForm(agent, '/deconnexion', after.csrf, {}).expect(303);
    await agent.get('/api/v1/auth/me').expect(401);
  });

  it('refuses a form without a valid CSRF token with a 403 page, and writes nothing', async () => {
    const agent = request.agent(t.app.getHttpServer());
    await formPage(agent, '/inscription');
    const email = `csrf-${Date.now()}@example.org`;
    const body = { role: 'buyer', displayName: 'X', email, password: 'un mot de passe solide', passwordConfirmation: 'un mot de passe solide' };
    const missing = await agent.post('/inscription').type('form').set('Accept', HTML).send(body).expect(403);
    expect(missing.text).toContain('Accès refusé');
    expect(missing.text).toContain('Ce formulaire a expiré');
    await postForm(agent, '/inscription', 'forged-token', body).expect(403);
    // A token from another browser (another CSRF cookie) is refused too.
    const other = await formPage(request.agent(t.app.getHttpServer()), '/inscription');
    await postForm(agent, '/inscription', other.csrf, body).expect(403);
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM accounts WHERE email = $1`, [email]);
    expect(count).toBe(0);
  });

  it('logs in with the same answer for unknown email and wrong password, then goes where it was asked', async () => {
    const agent = request.agent(t.app.getHttpServer());
    const email = `login-${Date.now()}@example.org`;
    await t.http().post('/api/v1/auth/register').send({ email, password: 'un mot de passe solide', role: 'buyer', displayName: 'Ville de Lyon' }).expect(201);
    const form = await formPage(agent, '/connexion?next=%2Frecherche%3Fq%3Dx');
    expect(form.html).toContain('name="next" value="/recherche?q=x"');
    const wrong = await postForm(agent, '/connexion', form.csrf, { email, password: 'mauvais mot de passe', next: '/recherche?q=x' });
    const unknown = await postForm(agent, '/connexion', form.csrf, { email: 'personne@example.org', password: 'mauvais mot de passe', next: '/recherche?q=x' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.text).toContain('Adresse e-mail ou mot de passe incorrect');
    expect(unknown.text).toContain('Adresse e-mail ou mot de passe incorrect');
    const ok = await postForm(agent, '/connexion', form.csrf, { email, password: 'un mot de passe solide', next: '/recherche?q=x' }).expect(303);
    expect(ok.headers.location).toBe('/recherche?q=x');
    // No open redirect: another site as `next` lands on the account's home.
    const again = await formPage(agent, '/inscription');
    const evil = await postForm(agent, '/connexion', again.csrf, { email, password: 'un mot de passe solide', next: '//evil.example/' }).expect(303);
    expect(evil.headers.location).toBe('/appels-d-offres');
  });

  it('sends a browser without a session to the login page, and keeps the header right on error pages', async () => {
    const res = await t.http().get('/mes-structures').set('Accept', HTML).expect(303);
    expect(res.headers.location).toBe('/connexion?next=%2Fmes-structures');
    // Scripts asking for JSON get the 401 problem, as from the API.
    const script = await t.http().get('/mes-structures').set('Accept', 'application/json').expect(401);
    expect(script.headers['content-type']).toContain('application/problem+json');
    const agent = request.agent(t.app.getHttpServer());
    const form = await formPage(agent, '/inscription');
    await postForm(agent, '/inscription', form.csrf, { role: 'company', displayName: 'Entreprise Durable', email: `e-${Date.now()}@example.org`, password: 'un mot de passe solide', passwordConfirmation: 'un mot de passe solide' }).expect(303);
    const missing = await agent.get('/nulle-part').set('Accept', HTML).expect(404);
    expect(missing.text).toContain('Entreprise Durable');
    await agent.get('/mes-groupements').set('Accept', HTML).expect(200);
    // A company may not create tenders: the 403 page, in French.
    const refused = await agent.get('/appels-d-offres/nouveau').set('Accept', HTML).expect(403);
    expect(refused.text).toContain('Accès refusé');
  });

  it('lets a supplier find a register structure by SIRET and claim it; others cannot edit it', async () => {
    const siret = validSiret();
    const registered = await t.dataSource.getRepository(StructureEntity).save({
      siret,
      siren: siret.slice(0, 9),
      name: 'ACI du Register',
      kind: 'ACI',
      communeCode: '69123',
      interventionArea: { type: 'radius', radiusKm: 50 },
      interventionAreaIsDefault: true,
      source: 'register',
      ownerId: null,
    });
    const agent = request.agent(t.app.getHttpServer());
    const form = await formPage(agent, '/inscription');
    await postForm(agent, '/inscription', form.csrf, { role: 'supplier', displayName: 'Directrice ACI', email: `claim-${Date.now()}@example.org`, password: 'un mot de passe solide', passwordConfirmation: 'un mot de passe solide' }).expect(303);
    const found = await agent.get(`/structures/revendiquer?siret=${siret.slice(0, 3)}%20${siret.slice(3)}`).set('Accept', HTML).expect(200);
    expect(found.text).toContain('ACI du Register');
    const claimPage = await formPage(agent, `/structures/${registered.id}/revendiquer`);
    const empty = await postForm(agent, `/structures/${registered.id}/revendiquer`, claimPage.csrf, { message: '' }).expect(400);
    expect(empty.text).toContain('id="message-error"');
    const sent = await postForm(agent, `/structures/${registered.id}/revendiquer`, claimPage.csrf, { message: 'Directrice, 04 00 00 00 00' }).expect(303);
    expect(sent.headers.location).toBe(`/structures/${registered.id}`);
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM structure_claims WHERE structure_id = $1 AND status = 'pending'`, [registered.id]);
    expect(count).toBe(1);
    // Until an admin approves, the claimant cannot edit it; nor can another supplier edit someone's structure.
    await agent.get(`/structures/${registered.id}/modifier`).set('Accept', HTML).expect(403);
    const owner = await signUp(t, 'supplier');
    const created = await t.http().post('/api/v1/structures').set(owner.auth).send({ siret: validSiret(), name: 'À moi', kind: 'EI', communeCode: '69123', sectors: ['nettoyage-locaux'], prestationTypes: ['PREST'] }).expect(201);
    await agent.get(`/structures/${created.body.id}/retirer`).set('Accept', HTML).expect(403);
    const edit = await formPage(agent, '/');
    await postForm(agent, `/structures/${created.body.id}/retirer`, edit.csrf, {}).expect(403);
    const after = await t.http().get(`/api/v1/structures/${created.body.id}`).expect(200);
    expect(after.body.delistedAt).toBeNull();
  });

  it('suggests communes for the place fields and estimates insertion hours with the server formula', async () => {
    const communes = await t.http().get('/communes.json?q=villeurb').expect(200);
    expect(communes.body[0]).toMatchObject({ code: '69266', label: 'Villeurbanne (69266)' });
    await t.http().get('/communes.json?q=l').expect(200, []);
    // V17 worked example: 1 M€ × 50 % × 5 % ÷ 30 €/h = 833 h.
    const estimate = await t.http().get('/appels-d-offres/estimation-heures?estimatedAmountEur=1%20000%20000&socialClauseType=EXECUTION_CONDITION&labourShare=50').expect(200);
    expect(estimate.body.hours).toBe(833);
    expect(estimate.body.text).toContain('833 heures d’insertion estimées');
    const given = await t.http().get('/appels-d-offres/estimation-heures?estimatedAmountEur=1000000&socialClauseType=EXECUTION_CONDITION&insertionHours=500').expect(200);
    expect(given.body).toMatchObject({ hours: 500, text: '500 heures d’insertion (fixées par l’acheteur).' });
    const none = await t.http().get('/appels-d-offres/estimation-heures?estimatedAmountEur=1000000').expect(200);
    expect(none.body.hours).toBe(0);
  });

  it('keeps the JSON API unchanged: a cross-site form post to the API is not a page', async () => {
    const res = await t.http().post('/api/v1/auth/login').set('Accept', HTML).send({ email: 'x@example.org', password: 'nope nope nope' }).expect(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});
