/**
 * A cache of the token types that may follow a point of the grammar, for the parsers'
 * error recovery. Chevrotain answers that question (`getNextPossibleTokenTypes`) by
 * walking the grammar from the top rule each time a token is missing or unexpected;
 * under fast typing in a broken file the language server spent a third of its thread
 * there (the fuzz driver's edit storm: 2.4 s of 7 s parsing a schedule). The answer
 * depends only on the grammar path (rule stack, occurrences, the token and its
 * occurrence), so it is kept per parser instance, keyed by that path.
 */
import type { EmbeddedActionsParser, TokenType } from 'chevrotain';

/** What Chevrotain passes in: where in the grammar the parser stands. */
interface GrammarPath {
  ruleStack: string[];
  occurrenceStack: number[];
  lastTok: TokenType;
  lastTokOccurrence: number;
}

/** Enough paths for any grammar here; past it the cache starts again (nesting is bounded, so this is rare). */
const MAX_PATHS = 4096;

/** Wraps the parser's follow-set walk with a cache; the arrays returned are only read by the recovery. */
export function cacheFollowSets(parser: EmbeddedActionsParser): void {
  const engine = parser as unknown as { getNextPossibleTokenTypes(path: GrammarPath): TokenType[] };
  const walk = engine.getNextPossibleTokenTypes.bind(parser);
  const cache = new Map<string, TokenType[]>();
  engine.getNextPossibleTokenTypes = (path) => {
    const key = `${path.ruleStack.join('/')}|${path.occurrenceStack.join(',')}|${path.lastTok.name}|${path.lastTokOccurrence}`;
    let follows = cache.get(key);
    if (!follows) {
      if (cache.size >= MAX_PATHS) cache.clear();
      follows = walk(path);
      cache.set(key, follows);
    }
    return follows;
  };
}
