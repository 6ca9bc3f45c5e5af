/* stancetag.c: the command line program: subcommand dispatch, --help and --version. It uses
 * only the public API of libstancetag (stancetag.h). */
#include "cli.h"

#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

static const char help[] =
    "Usage: stancetag [scan] [OPTIONS] RULES PATH...\n"
    "       stancetag check [--Werror] FILE.rules\n"
    "       stancetag test RULES\n"
    "       stancetag compile RULES -o PROGRAM [--no-tests]\n"
    "       stancetag eval --gold GOLD [OPTIONS] RULES PATH...\n"
    "       stancetag --help | --version\n"
    "\n"
    "Tags entities and stance records (holder, support/oppose, target) in news text with\n"
    "the rules in RULES, a .rules file or a program made by `stancetag compile`.\n"
    "\n"
    "Commands:\n"
    "  scan       (the default) tag the documents in PATH...: files, directories (walked\n"
    "             recursively in byte order of path, hidden entries skipped), or - for\n"
    "             standard input\n"
    "  check      compile FILE.rules and print every diagnostic\n"
    "  test       run the rules' inline tests; prints each failure and 'N passed, M failed'\n"
    "  compile    compile RULES into PROGRAM (written atomically), to load faster later\n"
    "  eval       tag PATH... and score the records against gold annotations (JSON Lines):\n"
    "             entity precision/recall/F1 per label and id accuracy, stance precision\n"
    "             and recall; then the false positives and misses\n"
    "\n"
    "Options for scan:\n"
    "  -f, --format FMT    jsonl, text or tsv (default: text on a terminal, else jsonl)\n"
    "  -o, --output FILE   write records to FILE instead of standard output\n"
    "      --entities      report entity records too (default for jsonl and text)\n"
    "      --no-entities   report stance records only (tsv always does)\n"
    "      --spans         with entities, also report span and tag annotations\n"
    "  -j, --threads N     scanning threads (default: number of processors); the output\n"
    "                      does not depend on N\n"
    "      --include GLOB  in directories, tag only files whose name matches GLOB (* and ?);\n"
    "                      repeatable; files named on the command line are always tagged\n"
    "      --jsonl-input   inputs are JSON Lines, one document per line\n"
    "      --id-field NAME   member holding the document id (default: id)\n"
    "      --text-field NAME member holding the document text (default: text)\n"
    "      --binary        tag files that look binary instead of skipping them\n"
    "      --color WHEN    text format colours: auto, always or never (default: auto)\n"
    "      --chunk-size N  read large inputs N bytes at a time (default 1M; suffixes k, M, G)\n"
    "      --no-progress   no progress line on standard error\n"
    "\n"
    "Options for check:\n"
    "      --Werror        warnings make the exit status 1\n"
    "Options for compile:\n"
    "  -o, --output PROGRAM  where to write the compiled program (required)\n"
    "      --no-tests      leave the inline tests out of the program\n"
    "Options for eval:\n"
    "  -g, --gold PATH     a gold .jsonl file, or a directory of them (required, repeatable)\n"
    "  -f, --format FMT    text (default) or json\n"
    "  -q, --quiet         figures only, no listings\n"
    "      --labels L,...  entity labels to score (default: the gold's, except IGNORE)\n"
    "      --min-entity-f1 X, --min-stance-f1 X\n"
    "                      exit with 4 when that F1 is below X (0 to 1)\n"
    "  -j, --threads N, --include GLOB   as for scan\n"
    "\n"
    "  -h, --help          show this help and exit\n"
    "  -V, --version       show the version and exit\n"
    "  --                  end of options: every later argument is a file\n"
    "\n"
    "Exit status:\n"
    "  0  all documents processed (check: no errors, or only warnings without --Werror;\n"
    "     test: all tests passed)\n"
    "  1  some document or the output could not be processed (check --Werror: warnings;\n"
    "     test: some test failed; eval: a gold file is unreadable or malformed)\n"
    "  2  the rules have errors, or the compiled program is corrupt or foreign\n"
    "  3  usage error\n"
    "  4  eval: a --min-*-f1 threshold was missed\n"
    "\n"
    "See doc/cli.md for details, doc/rules-language.md for the rule language.\n";

/* glibc returns freed memory at the top of a heap to the system at once (above 128 KiB) and
 * maps large blocks one by one; with worker threads, whose arenas grow and shrink with every
 * document, that is page faults and kernel time of up to a fifth of a run (news-dense, two
 * threads). Peak memory is bounded by the pieces in flight either way. */
static void tune_malloc(void) {
#if defined(__GLIBC__) && defined(M_TRIM_THRESHOLD) && defined(M_MMAP_THRESHOLD)
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
#endif
}

int main(int argc, char **argv) {
  tune_malloc();
  for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      fputs(help, stdout);
      return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
    }
    if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
      printf("stancetag %s (library %s)\n", STANCETAG_VERSION_STRING, stancetag_version());
      return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
    }
  }
  if (argc < 2)
    return cli_usage_error("a rules file and at least one PATH are needed");
  const char *cmd = argv[1];
  if (strcmp(cmd, "check") == 0)
    return cli_cmd_check(argc - 1, argv + 1);
  if (strcmp(cmd, "test") == 0)
    return cli_cmd_test(argc - 1, argv + 1);
  if (strcmp(cmd, "compile") == 0)
    return cli_cmd_compile(argc - 1, argv + 1);
  if (strcmp(cmd, "eval") == 0)
    return cli_cmd_eval(argc - 1, argv + 1);
  if (strcmp(cmd, "scan") == 0)
    return cli_cmd_scan(argc - 1, argv + 1);
  return cli_cmd_scan(argc, argv);
}
