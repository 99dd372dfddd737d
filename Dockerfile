# One image for every container of the stack: the two services' binaries,
# nginx, spawn-fcgi, multiwatch.  Built with the same install and start
# scripts `make run` uses, so the tested path and the image path are one.
FROM debian:bookworm-slim
WORKDIR /opt/taskmgr
COPY . .
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends make \
    && scripts/install-deps.sh \
    && make all \
    && rm -rf /var/lib/apt/lists/*
ENV RUN_DIR=/run/taskmgr
# Which components this container runs is its command, e.g.
#   scripts/stack.sh run users users-write users-internal
ENTRYPOINT ["scripts/stack.sh", "run"]
