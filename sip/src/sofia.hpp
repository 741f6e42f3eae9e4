#pragma once
/// @file sofia.hpp (private to sip/)
/// The one place that includes sofia-sip. The magic types must be defined before any sofia
/// header, and they must name public types (the callback signature uses them).

#include <sip/agent.hpp>

namespace sip::detail {
struct call;
}

#include <sofia-sip/su_config.h> // sofia_features.h and friends need it first

#define SU_ROOT_MAGIC_T sip::agent::impl
#define NUA_MAGIC_T sip::agent::impl
#define NUA_HMAGIC_T sip::detail::call
#define SU_TIMER_ARG_T void

#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su.h>
#include <sofia-sip/su_log.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/tport_tag.h>
#include <sofia-sip/url.h>
// After sip.h: auth_mod_check() is declared only when SIP_H is defined.
#include <sofia-sip/auth_module.h>
