/** The reactions an event offers when its settings name none (`settings.reactions`). */
export const DEFAULT_REACTIONS: readonly string[] = ['❤️', '😂', '🔥', '👏', '😮', '😢'];
