/**
 * Per-event settings as one TypeBox schema: each setting's type, bounds, default and doc in one
 * place. The `EventSettings` type, the server's defaults, its create/PATCH validation and the
 * clean-up of stored settings all derive from it, so a new setting is added here and nowhere
 * else. Every object is closed (`additionalProperties: false`): an unknown key is refused.
 *
 * Imported at run time only through `@livecomments/protocol/settings` (the server); the main
 * entry re-exports the types alone, so the browser bundle carries no TypeBox.
 */
import { type SchemaOptions, type Static, Type as T } from '@sinclair/typebox';
import { EMOTE_CODE_PATTERN, MAX_EMOTE_PIXELS, MAX_EMOTES_PER_EVENT } from './emotes.js';
import { DEFAULT_REACTIONS } from './reactions.js';

const profanityPolicy = (options?: SchemaOptions) =>
  T.Union([T.Literal('allow'), T.Literal('mask'), T.Literal('hold'), T.Literal('block')], options);
const linkPolicy = (options?: SchemaOptions) =>
  T.Union([T.Literal('allow'), T.Literal('hold'), T.Literal('block')], options);

/** Per-event handling of profanity: let it through, mask it with symbols, hold for review, block. */
export const ProfanityPolicySchema = profanityPolicy();
/** Per-event handling of profanity: let it through, mask it with symbols, hold for review, block. */
export type ProfanityPolicy = Static<typeof ProfanityPolicySchema>;

/** Per-event handling of comments with links (allow-listed domains are always fine). */
export const LinkPolicySchema = linkPolicy();
/** Per-event handling of comments with links (allow-listed domains are always fine). */
export type LinkPolicy = Static<typeof LinkPolicySchema>;

const automodLevel = (options?: SchemaOptions) =>
  T.Union([T.Literal('off'), T.Literal('low'), T.Literal('medium'), T.Literal('high')], options);

/** How strictly AutoMod acts on one category: not at all, the clearest cases, the default, or anything likely. */
export const AutomodLevelSchema = automodLevel();
/** How strictly AutoMod acts on one category: not at all, the clearest cases, the default, or anything likely. */
export type AutomodLevel = Static<typeof AutomodLevelSchema>;

const level = (description: string) => T.Optional(automodLevel({ default: 'medium', description }));

/**
 * AutoMod's level per category (each absent one is `medium`). A finding is clear, likely or
 * possible: `low` holds clear ones; `medium` blocks clear ones and holds likely ones; `high` blocks
 * clear and likely ones and holds possible ones; `off` ignores the category. Profanity keeps its
 * own `profanity` policy (allow, mask, hold, block).
 */
export const AutomodSettingsSchema = T.Object(
  {
    spam: level(
      'Spam and scams: giveaways, crypto, "earn $X a day", off-platform contact, fake support, hidden links.',
    ),
    hostility: level('Threats and violence against a person, insults and harassment (game and sports talk is fine).'),
    sexual: level('Sexual content and sexual harassment aimed at the streamer or a viewer.'),
    discrimination: level('Slurs in any disguise and hate against a group.'),
    selfHarm: level('Incitement to self-harm ("kys" in any spelling).'),
  },
  { additionalProperties: false },
);
/** AutoMod's level per category (see `AutomodSettingsSchema`). */
export type AutomodSettings = Static<typeof AutomodSettingsSchema>;
/** The AutoMod categories that take a level. */
export type AutomodCategory = keyof AutomodSettings;

const score = (value: number, description: string) => T.Number({ minimum: 0, maximum: 1, default: value, description });

/** Scores above `block*` block a comment, above `hold*` hold it for review. */
export const ModerationThresholdsSchema = T.Object(
  {
    spamBlock: score(0.8, 'Spam score at or above which a comment is blocked.'),
    spamHold: score(0.6, 'Spam score at or above which a comment is held for review.'),
    // Calibrated on live chat, not tweets: below 0.7 the model (trained on tweets) mostly flags
    // "hard", "hot" and "queen"; the AutoMod rules say what is abuse in chat.
    toxicityBlock: score(0.9, 'Toxicity score at or above which a comment is blocked.'),
    toxicityHold: score(0.7, 'Toxicity score at or above which a comment is held for review.'),
    shadow: T.Boolean({
      default: false,
      description: 'Show a blocked comment to its author only, so spammers do not learn they are filtered.',
    }),
  },
  { additionalProperties: false },
);
/** Scores above `block*` block a comment, above `hold*` hold it for review. */
export type ModerationThresholds = Static<typeof ModerationThresholdsSchema>;

/**
 * A web origin as browsers send it in `Origin`: `https://host[:port]` (or `http://`), lower case,
 * no path. Linear-time: no nested or overlapping repetition.
 */
export const ORIGIN_PATTERN = '^https?://(\\[[0-9a-f:.]{2,45}\\]|[a-z0-9][a-z0-9.-]{0,252})(:[1-9][0-9]{0,4})?$';

/** Where the event may be embedded and called from (docs/EMBED.md). */
export const EmbedSettingsSchema = T.Object(
  {
    allowedOrigins: T.Array(T.String({ minLength: 8, maxLength: 270, pattern: ORIGIN_PATTERN }), {
      maxItems: 50,
      default: [],
      description:
        "Origins (`https://host[:port]`) whose pages may frame `/embed/:eventId`, call the API and stream this event, beside the node's own `LC_ALLOWED_ORIGINS`.",
    }),
  },
  { additionalProperties: false },
);
/** Where the event may be embedded and called from. */
export type EmbedSettings = Static<typeof EmbedSettingsSchema>;

/**
 * A custom emote of an event: its shortcode and its picture, an image uploaded to this node
 * (`/v1/emotes/:id`) or one on a host the operator allows (`LC_EMOTE_HOSTS`).
 */
export const EmoteSchema = T.Object(
  {
    code: T.String({ pattern: EMOTE_CODE_PATTERN, description: 'The shortcode, without colons.' }),
    url: T.String({ minLength: 1, maxLength: 500, description: 'Where the picture is (relative for uploads).' }),
    width: T.Optional(T.Integer({ minimum: 1, maximum: MAX_EMOTE_PIXELS })),
    height: T.Optional(T.Integer({ minimum: 1, maximum: MAX_EMOTE_PIXELS })),
  },
  { additionalProperties: false },
);
/** A custom emote of an event. */
export type Emote = Static<typeof EmoteSchema>;

/**
 * Per-event settings an owner or moderator may change. Required settings have a default that a
 * new event starts with; optional ones carry the server's default as a `default` annotation
 * and stay absent until set (absent means "the server's default", which may change).
 */
export const EventSettingsSchema = T.Object(
  {
    slowModeMs: T.Integer({
      minimum: 0,
      maximum: 3_600_000,
      default: 0,
      description: 'Minimum time between two comments of one user, in ms; 0 for off.',
    }),
    maxCommentChars: T.Integer({
      minimum: 1,
      maximum: 2000,
      default: 500,
      description: 'Longest comment, in Unicode code points.',
    }),
    uniqueChat: T.Boolean({ default: false, description: 'Refuse a comment that repeats a recent one from anybody.' }),
    // Bounded so that matching the longest list against the longest comment stays well under a
    // millisecond (cost: comment length x terms, each term at most 32 letters being one machine
    // word of the matcher). Lists stored before under the old bounds (1000 x 100) are cut to
    // these when read: the first 100 terms of at most 32 characters are kept.
    blockedTerms: T.Array(T.String({ minLength: 1, maxLength: 32 }), {
      maxItems: 100,
      default: [],
      description: 'Terms that get a comment blocked (trimmed, duplicates dropped).',
    }),
    blockedTermsMatch: T.Optional(
      T.Object(
        {
          glued: T.Boolean({
            default: false,
            description: 'Also find a term inside a longer token ("xxidiotxx"); off: whole words only.',
          }),
          reversed: T.Boolean({ default: false, description: 'Also find each term written backwards ("toidi").' }),
        },
        {
          additionalProperties: false,
          default: { glued: false, reversed: false },
          description:
            'How blocked terms match beyond whole words (each term matches whole words, or their plural, in any case).',
        },
      ),
    ),
    linksAllowed: T.Boolean({ default: true, description: 'Whether comments may carry links.' }),
    rateLimitPerMinute: T.Integer({
      minimum: 0,
      maximum: 100_000,
      default: 60,
      description: 'Comments per minute of one user in this event (a small burst on top); 0 for off.',
    }),
    moderation: ModerationThresholdsSchema,
    profanity: T.Optional(profanityPolicy({ default: 'mask', description: 'What to do with profanity.' })),
    linkPolicy: T.Optional(
      linkPolicy({
        description: 'What to do with links; when absent, `linksAllowed` decides (true: allow, false: hold).',
      }),
    ),
    allowedDomains: T.Optional(
      T.Array(T.String({ minLength: 1, maxLength: 253 }), {
        maxItems: 200,
        default: [],
        description: 'Hosts whose links are always fine (subdomains included), e.g. `["youtube.com"]`.',
      }),
    ),
    languages: T.Optional(
      T.Array(T.String({ minLength: 2, maxLength: 8 }), {
        maxItems: 50,
        default: [],
        description: 'Languages allowed (ISO 639-3 codes such as `eng`, `spa`); empty or absent: any.',
      }),
    ),
    repeatWindowMs: T.Optional(
      T.Integer({
        minimum: 0,
        maximum: 86_400_000,
        default: 30_000,
        description: 'How long the same author may not repeat the same text, in ms.',
      }),
    ),
    retentionDays: T.Optional(
      T.Integer({
        minimum: 1,
        maximum: 36_500,
        description:
          'Days comment text is kept; after them the text is removed (counts and analytics stay). Absent: the node default (LC_RETENTION_DAYS), if any.',
      }),
    ),
    webhooks: T.Optional(
      T.Array(
        T.Object(
          {
            url: T.String({ minLength: 8, maxLength: 2000, pattern: '^https?://', description: 'Where to POST.' }),
            secret: T.String({
              minLength: 16,
              maxLength: 200,
              description: 'The key of the HMAC-SHA256 signature (docs/INTEGRATION.md); never shown to viewers.',
            }),
          },
          { additionalProperties: false },
        ),
        {
          maxItems: 3,
          default: [],
          description:
            'Webhooks of this event: each gets every notification of the event, signed with its secret. https only, and public addresses only unless the node allows private ones.',
        },
      ),
    ),
    embed: T.Optional(EmbedSettingsSchema),
    reactions: T.Optional(
      T.Array(T.String({ minLength: 1, maxLength: 16 }), {
        maxItems: 12,
        uniqueItems: true,
        default: [...DEFAULT_REACTIONS],
        description: 'The emoji viewers may react with (a small set; empty turns reactions off).',
      }),
    ),
    attackRules: T.Optional(
      T.Boolean({
        default: true,
        description:
          'Hold for review attacks on a group or a person that carry no slur ("all X are vermin", "kill yourself"). A gaming or sports event may turn it off.',
      }),
    ),
    moderationHook: T.Optional(
      T.Union([T.Literal('off'), T.Literal('fail-open'), T.Literal('fail-closed')], {
        default: 'fail-open',
        description:
          "Ask the operator's classifier (LC_MODERATION_URL) about comments the rules let through: off; fail-open (a late or failed answer changes nothing); fail-closed (it holds the comment for review, reason `classifier_unavailable`).",
      }),
    ),
    automod: T.Optional(AutomodSettingsSchema),
    // Chat modes: each is enforced on every post (ingest/chat-modes.ts); the owner, moderators,
    // admins and service publishers are exempt.
    membersOnly: T.Optional(
      T.Boolean({
        default: false,
        description: 'Only members post: tokens with the `member` badge (claim or connect proxy).',
      }),
    ),
    followersOnly: T.Optional(
      T.Boolean({
        default: false,
        description: 'Only followers post: tokens with `followed_at`, at least `minFollowMinutes` ago.',
      }),
    ),
    minFollowMinutes: T.Optional(
      T.Integer({
        minimum: 0,
        maximum: 129_600,
        default: 0,
        description: 'In followers-only mode, how long a viewer must have followed, in minutes (at most 90 days).',
      }),
    ),
    emoteOnly: T.Optional(
      T.Boolean({
        default: false,
        description: "Comments may hold only emoji and the event's emotes (`:shortcode:`), with spaces.",
      }),
    ),
    // Changed through the emote routes only (images are checked and stored there), never by a PATCH.
    emotes: T.Optional(
      T.Array(EmoteSchema, {
        maxItems: MAX_EMOTES_PER_EVENT,
        default: [],
        description: 'The custom emotes of the event (set with `PUT /v1/events/:eventId/emotes/:code`).',
      }),
    ),
    mediaStartedAt: T.Optional(
      T.Integer({
        minimum: 0,
        maximum: 8_640_000_000_000_000,
        description:
          "When the event's media started (epoch ms): media time 0 of comments and replays. Absent: the event's creation. Comments posted without a player position get theirs from it when posted.",
      }),
    ),
  },
  { additionalProperties: false },
);
/** Per-event settings an owner or moderator may change (see `EventSettingsSchema` for each one). */
export type EventSettings = Static<typeof EventSettingsSchema>;

// Emotes change through their own routes, which check and store the images.
const { moderation: _moderation, emotes: _emotes, ...topLevel } = EventSettingsSchema.properties;

/**
 * A settings change as clients send it (create or PATCH): any subset, thresholds too, and no
 * unknown key at any level. Validators must not fill defaults from it (a left-out field keeps
 * its value), so the server's ajv runs with `useDefaults: false`.
 */
export const SettingsPatchSchema = T.Partial(
  T.Object(
    { ...topLevel, moderation: T.Partial(ModerationThresholdsSchema, { additionalProperties: false }) },
    { additionalProperties: false },
  ),
  { additionalProperties: false },
);
/** A settings change as clients send it: any subset of the settings. */
export type SettingsPatch = Static<typeof SettingsPatchSchema>;
