# cmake -DROOT=<tree> -P layering.cmake
# Fails (exit 1) when a file under <tree>/floorctl, <tree>/sdp, <tree>/msrp or <tree>/turn
# includes Asio, Beast, sofia-sip or OpenSSL, or a header of an adapter (ws/, sip/, app/): the
# core, the SDP and MSRP modules and the TURN framing do no I/O and know no adapter
# (docs/architecture.md, "Layering").
if(NOT ROOT)
  message(FATAL_ERROR "usage: cmake -DROOT=<source tree> -P layering.cmake")
endif()
file(GLOB_RECURSE files ${ROOT}/floorctl/*.hpp ${ROOT}/floorctl/*.cpp ${ROOT}/floorctl/*.h
                        ${ROOT}/sdp/*.hpp ${ROOT}/sdp/*.cpp ${ROOT}/sdp/*.h
                        ${ROOT}/msrp/*.hpp ${ROOT}/msrp/*.cpp ${ROOT}/msrp/*.h
                        ${ROOT}/turn/*.hpp ${ROOT}/turn/*.cpp ${ROOT}/turn/*.h)
set(violations 0)
foreach(f IN LISTS files)
  file(STRINGS ${f} hits REGEX "#[ \t]*include[ \t]*[<\"](boost/(asio|beast)|sofia-sip|openssl|ws/|app/|sip/)")
  foreach(h IN LISTS hits)
    message(SEND_ERROR "layering: ${f}: ${h}")
    math(EXPR violations "${violations}+1")
  endforeach()
endforeach()
list(LENGTH files n)
if(violations GREATER 0)
  message(FATAL_ERROR "layering: ${violations} forbidden include(s) in floorctl/, sdp/, msrp/ or turn/")
endif()
message(STATUS "layering: ${n} files clean")
