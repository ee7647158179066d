import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { HasVisibleText } from '../http/visible-text.validator';

export class RegisterDto {
  @ApiProperty() @IsEmail({}, { message: 'adresse e-mail invalide' }) @MaxLength(254) email: string;
  @ApiProperty({ minLength: 12 })
  @IsString()
  @MinLength(12, { message: 'le mot de passe doit faire au moins 12 caractères' })
  @MaxLength(200)
  password: string;
  @ApiProperty({ enum: ['buyer', 'supplier', 'company', 'facilitator'] })
  @IsIn(['buyer', 'supplier', 'company', 'facilitator'], { message: 'role doit valoir buyer, supplier, company ou facilitator' })
  role: 'buyer' | 'supplier' | 'company' | 'facilitator';
  @ApiProperty() @IsString() @HasVisibleText() @MinLength(1, { message: 'le nom affiché est obligatoire' }) @MaxLength(200) displayName: string;
}

export class LoginDto {
  @ApiProperty() @IsString() @MaxLength(254) email: string;
  @ApiProperty() @IsString() @MaxLength(200) password: string;
}
