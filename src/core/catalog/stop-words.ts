// Words too common to say what a recipient cares about, in the languages drafts are most often
// written in (English, German, French, Spanish): BM25 leaves them out of a recipient's query, so a
// note that shares only "in" or "the" with an item does not pick it. Lower case, accents kept.
const WORDS = `
a an and are as at be been but by can could did do does for from had has have he her his how i if
in into is it its me my no not of on or our ours she so than that the their them then there these
they this those to too us was we were what when where which who why will with would you your yours
also about just very more most other some such only own same any all both each few after before
again further once here over under up down out off am being having doing get got let
der die das den dem des ein eine einen einem einer eines und oder aber auch auf aus bei bin bis da
dass du er es für hat haben ich ihr im in ist ja mit nach nicht noch nur sie sind so über um uns
von vor war wie wir wird zu zum zur als am an
le la les un une des du de et ou mais dans en est sont pour par sur avec sans au aux ce ces cette
il elle ils elles je tu nous vous leur leurs mon ma mes ton ta tes son sa ses qui que quoi ne pas
plus se y lo el los las una unos unas y o pero en es son para por con sin al del su sus mi mis tu
tus yo nosotros vosotros ellos ellas que como muy más
`;

export const STOP_WORDS: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter((w) => w !== ''));
