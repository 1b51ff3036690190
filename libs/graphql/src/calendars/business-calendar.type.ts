import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { Weekday } from '../common/enums.js';

@ObjectType({ description: 'An opening interval of a weekday, local time ("09:00" to "17:30"; "24:00" closes at midnight).' })
export class OpeningHours {
  @Field(() => Weekday) day: Weekday;
  @Field() opens: string;
  @Field() closes: string;
}

@InputType()
export class OpeningHoursInput {
  @Field(() => Weekday) @IsIn(Object.values(Weekday)) day: Weekday;
  @Field() @IsString() @MaxLength(5) opens: string;
  @Field() @IsString() @MaxLength(5) closes: string;
}

@ObjectType({ description: 'When the clock of a promise runs. A change applies to promises made afterwards.' })
export class BusinessCalendar {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field({ description: 'IANA, e.g. "Europe/Berlin"' }) timeZone: string;
  @Field(() => [OpeningHours], { description: 'several intervals a day allowed (split shifts)' }) hours: OpeningHours[];
  @Field(() => [String], { description: 'local dates "YYYY-MM-DD" on which the clock stops all day' }) holidays: string[];
  @Field(() => Int, { description: 'stream revision: pass it back as expectedVersion' }) version: number;
}

@InputType()
export class SetBusinessCalendarInput {
  @Field(() => ID) @IsString() @MinLength(1) @MaxLength(100) id: string;
  @Field() @IsString() @MinLength(1) @MaxLength(200) name: string;
  @Field() @IsString() @MaxLength(64) timeZone: string;
  @Field(() => [OpeningHoursInput]) @IsArray() @ArrayMaxSize(70) @ValidateNested({ each: true }) @Type(() => OpeningHoursInput) hours: OpeningHoursInput[];
  @Field(() => [String], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(2_000) @IsString({ each: true }) @MaxLength(10, { each: true }) holidays?: string[] | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) expectedVersion?: number | null;
}
