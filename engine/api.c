/* api.c: public entry points that are not specific to one module. */
#include "stancetag.h"

#include <stdlib.h>

const char *stancetag_version(void) {
  return STANCETAG_VERSION_STRING;
}

const char *stancetag_strerror(int code) {
  switch (code) {
  case STANCETAG_OK: return "success";
  case STANCETAG_EINVAL: return "invalid argument";
  case STANCETAG_ECOMPILE: return "the rules have errors";
  case STANCETAG_EIO: return "input/output error";
  case STANCETAG_EFORMAT: return "not a valid stancetag program (corrupt or foreign file)";
  case STANCETAG_EVERSION: return "stancetag program from another format version";
  case STANCETAG_ETERMINATED: return "scan stopped by the callback";
  case STANCETAG_EBUSY: return "scratch in use by another scan";
  case STANCETAG_ELIMIT: return "input exceeds a limit";
  case STANCETAG_ENOMEM: return "out of memory";
  default: return "unknown error";
  }
}
