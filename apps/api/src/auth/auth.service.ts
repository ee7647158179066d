import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { hash, verify } from '@node-rs/argon2';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AccountEntity, RATE_LIMITER, type RateLimiter } from '@app/persistence';
import { NotificationsService } from '@app/bids';
import { minutesText, tooManyRequests, unauthorized } from '@app/common';
import { CurrentAccount, TokenPayload } from './auth.types';
import { LoginDto, RegisterDto } from './auth.dto';

const WRONG_CREDENTIALS = 'Adresse e-mail ou mot de passe incorrect';

/** What registration answers: the same shape whether the address was free or already had an account. */
export interface RegistrationAnswer {
  id: string;
  email: string;
  role: RegisterDto['role'];
  displayName: string;
}

@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuthService.name);
  /** Verified against when the email is unknown, so both failures take the same time. */
  private decoyHash?: Promise<string>;

  constructor(
    @InjectRepository(AccountEntity) private readonly accounts: Repository<AccountEntity>,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    private readonly notifications: NotificationsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureAdmin();
  }

  /** The admin account exists only through configuration (ADMIN_EMAIL / ADMIN_PASSWORD). */
  async ensureAdmin(): Promise<void> {
    const admin = this.config.admin;
    if (!admin) return;
    const existing = await this.accounts.findOneBy({ email: admin.email });
    const passwordHash = await hash(admin.password);
    if (!existing) {
      await this.accounts.insert({ email: admin.email, passwordHash, role: 'admin', displayName: 'Administrateur' });
      this.logger.log(`Admin account ${admin.email} created from configuration`);
    } else if (existing.role !== 'admin' || !(await verify(existing.passwordHash, admin.password))) {
      await this.accounts.update(existing.id, { role: 'admin', passwordHash });
    }
  }

  /**
   * Throttled per client address. An address that already has an account gets the same answer as a new
   * one (no way to test which e-mails are registered); its owner is told someone tried. `created` is the
   * new account, or null when the address was taken.
   */
  async register(dto: RegisterDto, clientIp: string): Promise<{ created: AccountEntity | null; answer: RegistrationAnswer }> {
    const decision = await this.limiter.hit(`register:${clientIp}`, this.config.registrationMaxPerWindow, this.config.throttleWindowSec);
    if (!decision.allowed) {
      throw tooManyRequests(`Trop de créations de compte depuis cette adresse. Réessayez dans ${minutesText(decision.retryAfterSec)}.`, decision.retryAfterSec);
    }
    const email = dto.email.trim().toLowerCase();
    const displayName = dto.displayName.trim();
    // Hashed in both cases, so both answers take the same time.
    const passwordHash = await hash(dto.password);
    const [row]: { id: string }[] = await this.accounts.query(
      `INSERT INTO accounts (email, password_hash, role, display_name) VALUES ($1, $2, $3, $4) ON CONFLICT (email) DO NOTHING RETURNING id`,
      [email, passwordHash, dto.role, displayName],
    );
    const created = row ? await this.accounts.findOneByOrFail({ id: row.id }) : null;
    if (!created) await this.tellOwnerOfRegistrationAttempt(email);
    return { created, answer: { id: created?.id ?? randomUUID(), email, role: dto.role, displayName } };
  }

  /**
   * The attempt is counted before the password is checked (INCR then decide): concurrent guesses beyond the
   * limit are refused without being checked. A success clears the count.
   */
  async login(dto: LoginDto, clientIp: string): Promise<{ accessToken: string; tokenType: 'Bearer'; expiresIn: number; account: CurrentAccount }> {
    const email = dto.email.trim().toLowerCase();
    const throttleKey = `login:${email}:${clientIp}`;
    const decision = await this.limiter.hit(throttleKey, this.config.loginMaxFailures, this.config.loginWindowSec);
    if (!decision.allowed) {
      throw tooManyRequests(`Trop de tentatives de connexion. Réessayez dans ${minutesText(decision.retryAfterSec)}.`, decision.retryAfterSec);
    }
    const account = await this.accounts.findOneBy({ email });
    const valid = account ? await verify(account.passwordHash, dto.password) : await this.verifyDecoy(dto.password);
    if (!account || !valid) throw unauthorized(WRONG_CREDENTIALS);
    await this.limiter.reset(throttleKey);
    const current = toCurrentAccount(account);
    return { accessToken: await this.issueToken(account), tokenType: 'Bearer', expiresIn: this.config.jwtExpiresInSec, account: current };
  }

  /** Ends every session of the account: tokens and cookies issued before are refused from now on. */
  async logout(accountId: string): Promise<void> {
    await this.accounts.increment({ id: accountId }, 'sessionVersion', 1);
  }

  issueToken(account: AccountEntity): Promise<string> {
    const payload: TokenPayload = { sub: account.id, email: account.email, role: account.role, name: account.displayName, ver: account.sessionVersion };
    return this.jwt.signAsync(payload, { expiresIn: this.config.jwtExpiresInSec });
  }

  /** Returns the account a token names, or null when the token is invalid, expired, revoked or its account gone. */
  async verifyToken(token: string): Promise<CurrentAccount | null> {
    let payload: TokenPayload;
    try {
      payload = await this.jwt.verifyAsync<TokenPayload>(token);
    } catch {
      return null;
    }
    const account = await this.accounts.findOneBy({ id: payload.sub });
    if (!account || (payload.ver ?? 0) !== account.sessionVersion) return null;
    return toCurrentAccount(account);
  }

  private async tellOwnerOfRegistrationAttempt(email: string): Promise<void> {
    const owner = await this.accounts.findOneBy({ email });
    if (!owner) return;
    await this.notifications.notify(this.accounts.manager, [owner.id], {
      type: 'ACCOUNT_SECURITY',
      bidId: null,
      title: 'Tentative d’inscription avec votre adresse',
      body: 'Quelqu’un a essayé de créer un compte avec votre adresse e-mail, qui a déjà un compte. Si c’était vous, connectez-vous avec votre mot de passe habituel ; sinon, vous n’avez rien à faire.',
    });
  }

  private async verifyDecoy(password: string): Promise<boolean> {
    this.decoyHash ??= hash('decoy password that nobody uses');
    await verify(await this.decoyHash, password);
    return false;
  }
}

export function toCurrentAccount(account: AccountEntity): CurrentAccount {
  return { id: account.id, email: account.email, role: account.role, displayName: account.displayName };
}
