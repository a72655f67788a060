// Peer credentials of a connected unix socket (Linux SO_PEERCRED and SO_PEERGROUPS), for the agent's
// API: Node has no call for them. Plain Node-API (ABI-stable across Node versions), no dependencies.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <node_api.h>

#define GROUPS_MAX 1024

static napi_value fail(napi_env env, const char *what, int err) {
  char message[160];
  snprintf(message, sizeof message, "%s: %s", what, strerror(err));
  napi_throw_error(env, "E_PEER_CREDENTIALS", message);
  return NULL;
}

static napi_value set_number(napi_env env, napi_value object, const char *key, double value) {
  napi_value number;
  napi_create_double(env, value, &number);
  napi_set_named_property(env, object, key, number);
  return object;
}

// peerCredentials(fd) -> { pid, uid, gid, groups: number[] }: who connect()ed, as the kernel recorded it.
static napi_value peer_credentials(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_int32(env, argv[0], &fd) != napi_ok) {
    napi_throw_type_error(env, NULL, "peerCredentials(fd): fd must be a number");
    return NULL;
  }
  struct ucred cred;
  socklen_t length = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0) return fail(env, "SO_PEERCRED", errno);
  if (length != sizeof cred) return fail(env, "SO_PEERCRED", EINVAL);

  gid_t groups[GROUPS_MAX];
  socklen_t groups_length = sizeof groups;
  size_t count = 0;
#ifdef SO_PEERGROUPS
  if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &groups_length) == 0)
    count = groups_length / sizeof(gid_t);
  else if (errno != ENOPROTOOPT) return fail(env, "SO_PEERGROUPS", errno);
#endif

  napi_value result, list;
  napi_create_object(env, &result);
  set_number(env, result, "pid", cred.pid);
  set_number(env, result, "uid", cred.uid);
  set_number(env, result, "gid", cred.gid);
  napi_create_array_with_length(env, count, &list);
  for (size_t i = 0; i < count; i++) {
    napi_value gid;
    napi_create_double(env, groups[i], &gid);
    napi_set_element(env, list, (uint32_t)i, gid);
  }
  napi_set_named_property(env, result, "groups", list);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "peerCredentials", NAPI_AUTO_LENGTH, peer_credentials, NULL, &fn);
  napi_set_named_property(env, exports, "peerCredentials", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
