// libzmq, from Debian's libzmq3-dev (installed by scripts/setup.sh).
#include <zmq.h>
