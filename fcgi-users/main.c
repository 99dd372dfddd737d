/*
 * fcgi-users: a worker of the user service.
 *
 * Started by spawn-fcgi under multiwatch, which hands it the listening socket
 * as fd 0 and replaces it if it dies.  `fcgi-users -n` checks the
 * configuration and exits.
 */
#include "handlers.h"

int
main(int argc, char **argv)
{
	return service_main(argc, argv, &users_service);
}
