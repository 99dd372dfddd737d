/*
 * fcgi-tasks: a worker of the task service.
 *
 * Started by spawn-fcgi under multiwatch, which hands it the listening socket
 * as fd 0 and replaces it if it dies.  `fcgi-tasks -n` checks the
 * configuration and exits.
 */
#include "handlers.h"

int
main(int argc, char **argv)
{
	return service_main(argc, argv, &tasks_service);
}
