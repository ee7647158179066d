import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuthService } from './auth.service';
import { Caller, Public } from './auth.guard';
import type { CurrentAccount } from './auth.types';
import { LoginDto, RegisterDto } from './auth.dto';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('register')
  async register(@Body() dto: RegisterDto, @Req() request: Request) {
    // The same answer whether or not the address already had an account (its owner gets a message).
    return (await this.auth.register(dto, request.ip ?? 'unknown')).answer;
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(@Body() dto: LoginDto, @Req() request: Request) {
    const { accessToken, tokenType, expiresIn } = await this.auth.login(dto, request.ip ?? 'unknown');
    return { accessToken, tokenType, expiresIn };
  }

  /** Ends every session of the account (tokens and web cookies issued before) → 204. */
  @ApiBearerAuth()
  @Post('logout')
  @HttpCode(204)
  async logout(@Caller() account: CurrentAccount) {
    await this.auth.logout(account.id);
  }

  @ApiBearerAuth()
  @Get('me')
  me(@Caller() account: CurrentAccount) {
    return account;
  }
}
