// CPrefetch is a header-only module (include/CPrefetch.h); SwiftPM needs one source file per C target.
#include "CPrefetch.h"
